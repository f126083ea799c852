package demo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// account is one demo user: credentials, display name, the in-memory
// mailboxes and the folder index that LIST answers from.
type account struct {
	address string // lower-case
	name    string // display name used in seeded mail
	mail    *imapmemserver.User
	folders *folderIndex
}

// accounts holds every configured user. It is built once in Start and only
// read afterwards, so it needs no lock.
type accounts struct {
	byAddress map[string]*account
}

// newAccounts validates users and creates each account with its standard
// folders.
func newAccounts(users map[string]string) (*accounts, error) {
	accts := &accounts{byAddress: make(map[string]*account, len(users))}
	for address, password := range users {
		key := normalizeAddress(address)
		local, domain, ok := strings.Cut(key, "@")
		if !ok || local == "" || domain == "" {
			return nil, fmt.Errorf("demo: user %q: not an email address", address)
		}
		if password == "" {
			return nil, fmt.Errorf("demo: user %q: empty password", address)
		}
		if accts.byAddress[key] != nil {
			return nil, fmt.Errorf("demo: user %q: listed twice", address)
		}
		acct := &account{
			address: key,
			name:    displayName(local),
			mail:    imapmemserver.NewUser(key, password),
			folders: newFolderIndex(),
		}
		if err := acct.createFolders(); err != nil {
			return nil, err
		}
		accts.byAddress[key] = acct
	}
	return accts, nil
}

// createFolders creates and subscribes the folders listed by Folders.
func (a *account) createFolders() error {
	for _, f := range Folders() {
		if err := a.mail.Create(f.Name, nil); err != nil {
			return fmt.Errorf("demo: user %s: create %s: %w", a.address, f.Name, err)
		}
		if err := a.mail.Subscribe(f.Name); err != nil {
			return fmt.Errorf("demo: user %s: subscribe %s: %w", a.address, f.Name, err)
		}
		var use []imap.MailboxAttr
		if f.SpecialUse != "" {
			use = []imap.MailboxAttr{f.SpecialUse}
		}
		a.folders.add(f.Name, use)
		a.folders.setSubscribed(f.Name, true)
	}
	return nil
}

// list returns the accounts sorted by address, so seeding order is stable.
func (as *accounts) list() []*account {
	out := make([]*account, 0, len(as.byAddress))
	for _, a := range as.byAddress {
		out = append(out, a)
	}
	slices.SortFunc(out, func(x, y *account) int { return strings.Compare(x.address, y.address) })
	return out
}

// lookup finds the account for an address, nil when it is not local.
func (as *accounts) lookup(address string) *account {
	return as.byAddress[normalizeAddress(address)]
}

// authenticate checks a login; the password comparison is constant-time
// (imapmemserver.User.Login).
func (as *accounts) authenticate(username, password string) (*account, error) {
	acct := as.lookup(username)
	if acct == nil {
		return nil, imapserver.ErrAuthFailed
	}
	if err := acct.mail.Login(acct.address, password); err != nil {
		return nil, err
	}
	return acct, nil
}

// normalizeAddress makes addresses comparable: trimmed, lower-case, without
// angle brackets.
func normalizeAddress(address string) string {
	address = strings.TrimSpace(address)
	address = strings.TrimPrefix(address, "<")
	address = strings.TrimSuffix(address, ">")
	return strings.ToLower(address)
}

// displayName turns a local part like "ada.lovelace" into "Ada Lovelace";
// a single word gets " User" so signatures read naturally ("Demo User").
func displayName(local string) string {
	words := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' || r == '+' })
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	if len(words) == 0 {
		return "Demo User"
	}
	if len(words) == 1 {
		words = append(words, "User")
	}
	return strings.Join(words, " ")
}
