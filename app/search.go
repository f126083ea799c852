package app

import (
	"context"

	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// searchAllLimit caps the results of a search in every folder.
const searchAllLimit = 100

// SearchAllInput asks for a search in every folder; Run is the form
// submitted (as opposed to opened).
type SearchAllInput struct {
	Fields SearchInput
	Run    bool
}

// SearchResult is the search page: the fields as read, the folders (for
// the form and the tree) and, when a search ran, its hits.
type SearchResult struct {
	Fields  SearchFields
	Folders []mail.Mailbox
	// Searched is set when the search ran; Results then holds the newest
	// matches, at most searchAllLimit of them.
	Searched bool
	Results  mail.SearchResults
	// Refused says why a field cannot be read; the search did not run.
	Refused *Error
	// Hint asks for something to search for, when the form was
	// submitted empty.
	Hint string
}

// SearchMessages searches every folder for the newest matches. A search
// that cannot run is not an error: the page shows the form again with
// Refused.
func (a *App) SearchMessages(ctx context.Context, sess *session.Session, in SearchAllInput) (SearchResult, error) {
	var out SearchResult
	var err error
	out.Fields, err = ParseSearch(in.Fields)
	switch {
	case err != nil:
		out.Refused = AsError(err)
	case in.Run && out.Fields.Query.IsZero():
		out.Hint = i18n.T(ctx, "Enter something to search for: words, a sender, a date or a size.")
	}
	out.Searched = in.Run && out.Refused == nil && out.Hint == ""
	err = a.withIMAP(ctx, sess, func(client *mail.Client) error {
		var err error
		if out.Searched {
			if out.Results, err = client.SearchAll(ctx, out.Fields.Query, searchAllLimit); err != nil {
				return err
			}
			if DisplayPrefsOf(sess).ListPreview {
				a.fillHitPreviews(ctx, client, sess, out.Results.Hits)
			}
		}
		out.Folders, err = a.sidebarFolders(ctx, sess, client)
		return err
	})
	return out, err
}

// fillHitPreviews gives the hits of a search over every folder their
// preview lines, as a list has them: one folder at a time, from the cache
// (with the UIDVALIDITY the search's SELECT gave, no command) or one FETCH
// of the folder's hits not seen before.
func (a *App) fillHitPreviews(ctx context.Context, client *mail.Client, sess *session.Session, hits []mail.SearchHit) {
	type folder struct {
		name        string
		uidValidity uint32
	}
	byFolder := map[folder][]*mail.Summary{}
	var order []folder
	for i := range hits {
		f := folder{hits[i].Mailbox, hits[i].UIDValidity}
		if _, seen := byFolder[f]; !seen {
			order = append(order, f)
		}
		byFolder[f] = append(byFolder[f], &hits[i].Summary)
	}
	for _, f := range order {
		a.fillPreviews(ctx, client, sess, f.name, f.uidValidity, byFolder[f])
	}
}
