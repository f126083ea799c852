// Package htmlsafe makes mail content safe to show in a browser.
//
// [Sanitize] turns message HTML, however hostile, into HTML that runs no
// script, submits no form and loads nothing from the network unless the
// user allowed remote content ([Options.AllowRemote]), so that opening a
// message neither attacks the user nor tells the sender it was read. It
// reports whether remote content was blocked, so the UI can offer to show
// it. Its output is meant for a sandboxed iframe under a strict Content
// Security Policy: those remain the second line of defence.
//
// [LinkifyText] renders plain text as HTML with clickable links that do
// not leak the opener or the referrer.
//
// It knows nothing of MIME: callers hand it text already decoded.
package htmlsafe
