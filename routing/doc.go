// Package routing serves the routing decisions of the front mail hosts:
// nginx's mail proxy asks over its auth_http protocol where to send an
// IMAP, POP3 or submission login (authhttp.go), and a front Postfix asks
// over the socketmap protocol which domains it relays and to which backend
// (socketmap.go). Both arrive on one private listener (server.go), told
// apart by their first byte.
//
// This package is wire code only, the mail proxies' equivalent of
// handlers: it parses a request, calls one application method (app's
// RouteMailLogin or RelayTarget) and encodes the answer. Every rule (the
// login limits, which backend, whether to check a password) lives in app,
// so the web login and the proxies cannot drift apart. It is its own
// package, not part of handlers, because it speaks no HTML, needs no
// session or CSRF, and must never be reachable on the public listener.
package routing
