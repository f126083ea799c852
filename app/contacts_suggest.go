package app

import (
	"context"
	"strings"

	"github.com/webmail/webmail/session"
)

// Suggestion is one address offered while typing a recipient.
type Suggestion struct {
	Name  string
	Email string
}

// maxSuggestions is how many addresses a suggest answers with.
const maxSuggestions = 8

// SuggestContacts returns the user's collected recipients whose address
// or name starts with prefix, most used first.
func (a *App) SuggestContacts(ctx context.Context, sess *session.Session, prefix string) ([]Suggestion, error) {
	prefix = strings.TrimSpace(prefix)
	if prefix == "" || len(prefix) > 320 {
		return nil, nil
	}
	user, err := a.userForSession(ctx, sess)
	if err != nil {
		return nil, storeError(err)
	}
	found, err := a.DB.SearchContacts(ctx, user.ID, prefix, maxSuggestions)
	if err != nil {
		return nil, storeError(err)
	}
	out := make([]Suggestion, 0, len(found))
	for _, c := range found {
		out = append(out, Suggestion{Name: c.Name, Email: c.Email})
	}
	return out, nil
}
