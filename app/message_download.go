package app

import (
	"context"
	"io"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// DownloadMessage streams the whole message, as the server sends it, to
// the writer open returns: no size limit applies, so it works for the
// messages too large to open here (the error for those points to it).
// open is called once, with the size, before the first byte.
//
// Once open was called a failure can only cut the download short: it is
// logged and nil returned, since a retry would append a second copy and
// no error page can follow bytes already sent.
func (a *App) DownloadMessage(ctx context.Context, sess *session.Session, mailbox string, uid uint32, open func(size int64) io.Writer) error {
	var w io.Writer
	return a.withIMAP(ctx, sess, func(client *mail.Client) error {
		_, err := client.StreamRaw(ctx, mailbox, uid, func(size int64) io.Writer {
			if w == nil {
				w = open(size)
			}
			return w
		})
		if err != nil && w != nil {
			a.Logger.WarnContext(ctx, "message download cut short", "err", err)
			return nil
		}
		return err
	})
}
