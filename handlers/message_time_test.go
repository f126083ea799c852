package handlers_test

import (
	"context"
	"fmt"
	"testing"
)

// TestMessageTimeZone: the message page shows its date in the reader's
// time zone (the time_zone setting), not the sender's, with the full date
// in the tooltip and the instant in datetime; without a setting, UTC.
func TestMessageTimeZone(t *testing.T) {
	f := newMsgFixture(t)
	// plainEML(1) is dated Fri, 1 Mar 2024 09:00:01 +0000.
	uid := f.appendMessages(t, "INBOX", plainEML(1))[0]
	path := fmt.Sprintf("/mail/INBOX/%d", uid)

	dateOf := func() (text, title, iso string) {
		t.Helper()
		_, doc := f.page(t, path)
		el := doc.Find(`[data-testid="date"] time`)
		title, _ = el.Attr("title")
		iso, _ = el.Attr("datetime")
		return el.Text(), title, iso
	}
	if text, title, iso := dateOf(); text != "Mar 1, 2024, 09:00" || title != "Fri, Mar 1, 2024 09:00" || iso != "2024-03-01T09:00:01Z" {
		t.Errorf("UTC reader: %q / %q / %q", text, title, iso)
	}
	user, err := f.db.UserByEmail(context.Background(), f.email)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetPref(context.Background(), user.ID, "time_zone", "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	if text, title, iso := dateOf(); text != "Mar 1, 2024, 18:00" || title != "Fri, Mar 1, 2024 18:00" || iso != "2024-03-01T18:00:01+09:00" {
		t.Errorf("Tokyo reader: %q / %q / %q", text, title, iso)
	}
}
