package demo

import (
	"log/slog"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// mailboxDelim is the hierarchy separator of imapmemserver.
const mailboxDelim = '/'

// newIMAPServer builds the IMAP server. Passwords are accepted without TLS
// (InsecureAuth) because the demo listens on loopback and holds sample data
// only.
func newIMAPServer(accts *accounts, logger *slog.Logger) *imapserver.Server {
	return imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &imapSession{accounts: accts, logger: logger}, nil, nil
		},
		Caps: imap.CapSet{
			imap.CapIMAP4rev1:        {},
			imap.CapIMAP4rev2:        {},
			imap.CapNamespace:        {},
			imap.CapUIDPlus:          {},
			imap.CapESearch:          {},
			imap.CapSearchRes:        {},
			imap.CapListExtended:     {},
			imap.CapListStatus:       {},
			imap.CapMove:             {},
			imap.CapStatusSize:       {},
			imap.CapBinary:           {},
			imap.CapChildren:         {},
			imap.CapSpecialUse:       {},
			imap.CapCreateSpecialUse: {},
			imap.CapLiteralPlus:      {},
		},
		Logger:       printfLogger{logger: logger, prefix: "demo: imap"},
		InsecureAuth: true,
	})
}

// imapSession is imapmemserver's session plus what the demo adds: logins
// looked up case-insensitively, special-use attributes and \HasChildren in
// LIST, INBOX protected from DELETE and RENAME, and an APPEND limit.
type imapSession struct {
	*imapmemserver.UserSession // nil until Login succeeds

	accounts *accounts
	account  *account
	logger   *slog.Logger
}

var (
	_ imapserver.SessionIMAP4rev2   = (*imapSession)(nil)
	_ imapserver.SessionAppendLimit = (*imapSession)(nil)
)

// Login authenticates against the configured users.
func (s *imapSession) Login(username, password string) error {
	acct, err := s.accounts.authenticate(username, password)
	if err != nil {
		s.logger.Info("demo: imap login refused", "user", username)
		return imapserver.ErrAuthFailed
	}
	s.account = acct
	s.UserSession = imapmemserver.NewUserSession(acct.mail)
	return nil
}

// AppendLimit matches the SMTP size limit so anything that could be sent can
// also be saved to Sent.
func (s *imapSession) AppendLimit() uint32 {
	return MaxMessageBytes
}

// Create creates the mailbox and records its special-use attribute, which
// imapmemserver beta.8 drops.
func (s *imapSession) Create(name string, options *imap.CreateOptions) error {
	var use []imap.MailboxAttr
	if options != nil {
		for _, attr := range options.SpecialUse {
			if !isSpecialUse(attr) {
				return &imap.Error{
					Type: imap.StatusResponseTypeNo,
					Code: "USEATTR", // RFC 6154; go-imap has no constant for it
					Text: "Unsupported special-use attribute " + string(attr),
				}
			}
		}
		use = options.SpecialUse
	}
	if err := s.UserSession.Create(name, options); err != nil {
		return err
	}
	s.account.folders.add(strings.TrimRight(name, string(mailboxDelim)), use)
	return nil
}

// Delete deletes a mailbox other than INBOX.
func (s *imapSession) Delete(name string) error {
	if strings.EqualFold(name, "INBOX") {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "INBOX cannot be deleted"}
	}
	if err := s.UserSession.Delete(name); err != nil {
		return err
	}
	s.account.folders.remove(name)
	return nil
}

// Rename renames a mailbox other than INBOX. RFC 9051 moves INBOX's messages
// instead; the demo refuses rather than lose the delivery target.
func (s *imapSession) Rename(name, newName string, options *imap.RenameOptions) error {
	if strings.EqualFold(name, "INBOX") {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "INBOX cannot be renamed in the demo"}
	}
	if err := s.UserSession.Rename(name, newName, options); err != nil {
		return err
	}
	s.account.folders.rename(name, strings.TrimRight(newName, string(mailboxDelim)))
	return nil
}

// Subscribe subscribes to a mailbox.
func (s *imapSession) Subscribe(name string) error {
	if err := s.UserSession.Subscribe(name); err != nil {
		return err
	}
	s.account.folders.setSubscribed(name, true)
	return nil
}

// Unsubscribe unsubscribes from a mailbox.
func (s *imapSession) Unsubscribe(name string) error {
	if err := s.UserSession.Unsubscribe(name); err != nil {
		return err
	}
	s.account.folders.setSubscribed(name, false)
	return nil
}

// isSpecialUse reports whether attr is one of the RFC 6154 / RFC 8457 uses.
func isSpecialUse(attr imap.MailboxAttr) bool {
	return slices.Contains([]imap.MailboxAttr{
		imap.MailboxAttrAll, imap.MailboxAttrArchive, imap.MailboxAttrDrafts,
		imap.MailboxAttrFlagged, imap.MailboxAttrJunk, imap.MailboxAttrSent,
		imap.MailboxAttrTrash, imap.MailboxAttrImportant,
	}, attr)
}
