// Package attachmentreminder is the plugin "attachment-reminder": when the
// user presses Send on a message whose text mentions an attachment
// ("attached", "anbei", "ci-joint", "adjunto"...) but that has none, the
// send stops once with a warning; the user attaches the file or sends
// anyway.
//
//	WEBMAIL_PLUGINS=attachment-reminder
//	WEBMAIL_PLUGIN_ATTACHMENT_REMINDER_WORDS=beiliegend,allegato   # optional, more words
//
// Quoted lines ("> ...") and the signature (after "-- ") are not read: a
// reply to a message that had an attachment does not need one.
package attachmentreminder

import (
	"context"
	"regexp"
	"strings"

	"github.com/webmail/webmail/plugins"
)

// Name is the plugin's name.
const Name = "attachment-reminder"

func init() {
	plugins.Register(Name, func(cfg *plugins.Config) (any, error) {
		return New(cfg.List("words")...), nil
	})
}

// Words are the words and phrases that mention an attachment, by language.
var Words = map[string][]string{
	"en": {"attached", "attachment", "attachments", "enclosed", "i attach", "please find attached"},
	"de": {"anbei", "anhang", "im anhang", "angehängt", "beigefügt", "anlage", "in der anlage"},
	"fr": {"ci-joint", "ci-jointe", "ci-joints", "pièce jointe", "pièces jointes", "en pièce jointe", "joint"},
	"es": {"adjunto", "adjunta", "adjuntos", "adjuntas", "adjuntado", "archivo adjunto", "anexo"},
}

// Message is the warning the user sees.
const Message = "Your message mentions an attachment, but nothing is attached. Attach the file, or send it anyway."

// Reminder is the plugin.
type Reminder struct{ mention *regexp.Regexp }

var _ plugins.BeforeSend = Reminder{}

// New returns the plugin, with extra words besides Words.
func New(extra ...string) Reminder {
	var alternatives []string
	for _, words := range Words {
		for _, w := range words {
			alternatives = append(alternatives, regexp.QuoteMeta(w))
		}
	}
	for _, w := range extra {
		alternatives = append(alternatives, regexp.QuoteMeta(strings.ToLower(w)))
	}
	// Whole words only: letters (any script) and '-' may not touch a match.
	return Reminder{mention: regexp.MustCompile(`(?i)(?:^|[^\pL\pN-])(?:` + strings.Join(alternatives, "|") + `)(?:$|[^\pL\pN-])`)}
}

// BeforeSend warns, once, about a forgotten attachment.
func (r Reminder) BeforeSend(_ context.Context, msg *plugins.Outgoing) error {
	if msg.SendAnyway || len(msg.AttachmentNames) > 0 || !r.Mentions(msg.Subject+"\n"+msg.Text) {
		return nil
	}
	return &plugins.Veto{Message: Message, Confirmable: true}
}

// Mentions reports whether the user's own text (no quoted lines, no
// signature) mentions an attachment.
func (r Reminder) Mentions(text string) bool {
	var own []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if line == "-- " {
			break
		}
		if strings.HasPrefix(strings.TrimSpace(line), ">") {
			continue
		}
		own = append(own, line)
	}
	return r.mention.MatchString(strings.Join(own, "\n"))
}
