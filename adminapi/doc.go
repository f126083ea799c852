// Package adminapi is the provisioning API (issue 13): JSON over HTTP on
// the private WEBMAIL_ADMIN_LISTEN, for a control panel or a script to
// manage mail backends and domain routes, read backend health and the
// audit log. Every request but the OpenAPI document (openapi.json, served
// at /v1/openapi.json) carries an admin token ("Authorization: Bearer
// wma_..."); tokens are made and revoked with `webmail admin-token`.
//
// Like handlers for the web pages, this package only parses, calls one
// application method and encodes: validation, the audit log and token
// checks live in app, which `webmail domain ...` uses too.
package adminapi
