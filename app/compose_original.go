package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/mime"
)

// original is a message replied to, forwarded or continued, as read from
// IMAP for a new compose.
type original struct {
	mailbox string
	uid     uint32
	raw     []byte
	msg     *mime.Message
}

// OriginalRef names a message in a mailbox: the message a reply, forward
// or continued draft starts from.
type OriginalRef struct {
	Mailbox string
	UID     uint32
}

// fetchOriginal reads a message whole (bounded by MaxMessageBytes) and
// parses it.
func (a *App) fetchOriginal(ctx context.Context, client *mail.Client, ref OriginalRef) (original, error) {
	raw, err := client.FetchRaw(ctx, ref.Mailbox, ref.UID, a.MaxMessageBytes)
	if err != nil {
		return original{}, err
	}
	msg, err := mime.ParseMessage(raw)
	if err != nil {
		return original{}, fmt.Errorf("app: parse %s/%d: %w", ref.Mailbox, ref.UID, err)
	}
	return original{mailbox: ref.Mailbox, uid: ref.UID, raw: raw, msg: msg}, nil
}

// headerValues returns the values of every header field called name.
func headerValues(msg *mime.Message, name string) []string {
	var out []string
	for _, h := range msg.Headers {
		if strings.EqualFold(h.Key, name) {
			out = append(out, h.Value)
		}
	}
	return out
}

// formatAddressList writes addresses as a To field is typed: "Name
// <a@b>, c@d". A name with a comma or quote is quoted.
func formatAddressList(list []mime.Address) string {
	parts := make([]string, 0, len(list))
	for _, a := range list {
		if a.Email == "" {
			continue
		}
		parts = append(parts, formatAddress(a))
	}
	return strings.Join(parts, ", ")
}

func formatAddress(a mime.Address) string {
	name := oneLine(a.Name)
	if name == "" || strings.EqualFold(name, a.Email) {
		return a.Email
	}
	if strings.ContainsAny(name, `,;<>"()@:[]\`) {
		name = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	return name + " <" + a.Email + ">"
}
