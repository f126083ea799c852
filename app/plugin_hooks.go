package app

import (
	"context"

	"github.com/webmail/webmail/plugins"
	"github.com/webmail/webmail/session"
)

// Hooks is what the application needs of the enabled plugins: the hooks it
// calls at login, send and message display. *plugins.Host implements it
// (recovering panics and keeping deadlines); app never sees a concrete
// plugin. A nil Hooks in Deps calls none.
type Hooks interface {
	AfterLogin(ctx context.Context, login plugins.Login) error
	BeforeSend(ctx context.Context, msg *plugins.Outgoing) error
	MessageBanners(ctx context.Context, msg plugins.Message) []plugins.PluginBanner
	UserSettings() []plugins.Section
}

// vetoError is the *Error of a plugin's veto: its message as the plugin
// wrote it, which is the plugin's contract to keep safe to show.
func vetoError(title string, err error) error {
	veto, ok := err.(*plugins.Veto)
	if !ok {
		return err
	}
	return &Error{Code: CodeInvalid, Title: title, Message: veto.Message, Confirmable: veto.Confirmable, Err: err}
}

// messageBanners asks the plugins for banners above a message's body.
//
// prefs are the user's settings the page already read (readerPrefs):
// without the database the hooks get none, and still the page.
func (a *App) messageBanners(ctx context.Context, sess *session.Session, in ShowMessageInput, d MessageDisplay, prefs map[string]string) []plugins.PluginBanner {
	if a.Plugins == nil {
		return nil
	}
	msg := plugins.Message{User: sess.User, Mailbox: in.Mailbox, UID: in.UID, Subject: d.Subject,
		From: emails(d.From), To: emails(d.To), Prefs: prefs}
	for _, h := range d.Headers {
		msg.Headers = append(msg.Headers, plugins.Header{Name: h.Key, Value: h.Value})
	}
	return a.Plugins.MessageBanners(ctx, msg)
}
