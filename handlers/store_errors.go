package handlers

import (
	"errors"
	"net/http"

	"github.com/webmail/webmail/store"
)

// storeError turns an error from the store into what the user sees. While
// the primary database is down, reading mail goes on (mail is on IMAP,
// reads fall back to a replica) and only saving fails, with a page that
// says so.
func storeError(err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return &UserError{Status: http.StatusNotFound, Title: "Not found",
			Message: "There is nothing here. It may have been deleted.", Err: err}
	case store.IsUnavailable(err):
		return &UserError{Status: http.StatusServiceUnavailable, Title: "Saving is unavailable right now",
			Message: "Saving is unavailable right now. Reading your mail still works; please try again in a few minutes.", Err: err}
	default:
		return &UserError{Status: http.StatusInternalServerError, Title: "Something went wrong",
			Message: "Something went wrong on our side. It has been logged; please try again.", Err: err}
	}
}
