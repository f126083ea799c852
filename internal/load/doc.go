// Package load is the project's load driver: it logs users in through the
// real login form, then drives the pages a reader uses (login cycle, list
// page, message view with its body document, search) at several
// concurrencies, closed-loop (each worker sends its next request when the
// last one answered), and measures beside them the raw IMAP floor in the
// same run. It reports operations per second, latency percentiles, errors
// and the CPU the webmail and the IMAP server spent per operation, read
// from /proc by process ID, as a Markdown table.
//
// It is a small closed-loop driver rather than a load library: the
// libraries at hand (vegeta and its kind) fire independent requests at a
// rate, while a webmail operation is a sequence with state (a login form's
// token, a session cookie per user, a message page then its body
// document), and the figures we compare against (the IMAP floor, other
// webmails) are closed-loop at a fixed concurrency.
package load
