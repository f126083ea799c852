package app

import (
	"errors"
	"fmt"
	"testing"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/store"
)

func TestMailAndStoreErrorsCarryCodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want Code
	}{
		{"mail not found", mailError(fmt.Errorf("fetch: %w", mail.ErrNotFound)), CodeNotFound},
		{"message part not found", mailError(fmt.Errorf("part 9: %w", mime.ErrNotFound)), CodeNotFound},
		{"mail too large", mailError(mail.ErrTooLarge), CodeTooLarge},
		{"mail unavailable", mailError(mail.ErrUnavailable), CodeUnavailable},
		{"mail auth", mailError(mail.ErrAuthFailed), CodeSignedOut},
		{"mail other", mailError(errors.New("NO [SERVERBUG]")), CodeMailServer},
		{"store not found", storeError(store.ErrNotFound), CodeNotFound},
		{"already coded", mailError(Invalid("Bad", "bad")), CodeInvalid},
	} {
		e := AsError(tc.err)
		if e == nil {
			t.Fatalf("%s: no *Error in %v", tc.name, tc.err)
		}
		if e.Code != tc.want {
			t.Errorf("%s: code %d, want %d", tc.name, e.Code, tc.want)
		}
		if e.Message == "" {
			t.Errorf("%s: no message for the user", tc.name)
		}
	}
	if AsError(storeError(errors.New("disk on fire"))) != nil {
		t.Error("an unknown store error must stay internal (no safe message to show)")
	}
}
