package cluster_test

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"testing"
	"time"
)

const (
	// rywRounds is how many trust/untrust rounds step 4 makes.
	rywRounds = 25
	// replicaDelay holds the replica this far behind the primary during
	// step 4 (MariaDB's MASTER_DELAY), under the lag bound the instances
	// get (maxLag), so it stays in rotation and a read from it right after
	// a write is stale: the case read-your-writes exists for.
	replicaDelay = 1
	maxLag       = 5 * time.Second
)

// The two states of the message page's remote-content notice.
const (
	trustedMarker = `data-testid="sender-trusted"`
	blockedMarker = `data-testid="remote-blocked"`
)

var sessionCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// stepReadYourWrites: a user's write followed at once by a read of it,
// through HAProxy (so usually on another instance), is never stale. The
// write is the message page's "Always show images from this sender" and
// its undo; the read is the message page, whose notice says whether the
// sender is trusted. The replica is held a second behind the primary
// meanwhile. For contrast a second browser of the same user, without the
// short-lived cookie a change sets (WEBMAIL_DB_STICKY), reads right after
// each write too; its reads come from the replica and may be stale.
func stepReadYourWrites(t *testing.T, c *cluster) {
	email, password := c.mail.AddUser(t)
	html := "From: Newsletter <news@example.test>\r\nTo: " + email + "\r\nSubject: With a remote image\r\n" +
		"Date: Mon, 2 Nov 2026 11:00:00 +0000\r\nMessage-ID: <cluster-ryw@example.test>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n\r\n<p>Hello</p><img src=\"https://images.example.test/pixel.png\" alt=\"\">\r\n"
	uid := c.mail.AppendMessages(t, email, password, "INBOX", [][]byte{[]byte(html)})[0]
	u := newUser(len(c.users), email, password, c.lb.URL)
	if r := u.login(); !r.ok() {
		t.Fatalf("signing in: %v", r)
	}
	page := fmt.Sprintf("/mail/INBOX/%d", uid)
	first := u.get(page, blockedMarker)
	if !first.ok() {
		t.Fatalf("the message page does not offer to trust the sender: %v", first)
	}
	other := otherBrowser(u)

	delayReplica(t, c, replicaDelay)
	defer delayReplica(t, c, 0)
	l := startLoad(t, c.users)
	var stale, staleOther, reads int
	for i := range rywRounds * 2 {
		trust := i%2 == 0
		if err := u.setTrust(page, trust); err != nil {
			l.stop()
			t.Fatal(err)
		}
		want := trustedMarker
		if !trust {
			want = blockedMarker
		}
		reads++
		// A page without the new state shows the old one: the notice
		// is always there for this message.
		if r := u.get(page, want); !r.ok() {
			if r.status != http.StatusOK {
				l.stop()
				t.Fatalf("reading the page after the change: %v", r)
			}
			stale++
		}
		if r := other.get(page, want); !r.ok() && r.status == http.StatusOK {
			staleOther++
		}
	}
	results := l.stop()
	all := count(results, nil)
	report(t, "%d changes (trust / untrust a sender) each read back at once through HAProxy, replica held %ds behind: %d stale; the same reads by a second browser without the read-your-writes cookie: %d stale; load meanwhile: %s",
		reads, replicaDelay, stale, staleOther, all)
	if stale > 0 {
		t.Errorf("%d of %d reads right after a change showed the old setting", stale, reads)
	}
	if all.failed > 0 {
		t.Errorf("%d requests failed:%s", all.failed, failures(results, 5))
	}
}

// setTrust posts the message page's trust or untrust form.
func (u *user) setTrust(page string, trust bool) error {
	resp, err := u.client.Get(u.base + page)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := sessionCSRF.FindSubmatch(body)
	if m == nil {
		return fmt.Errorf("GET %s: %d without a csrf field", page, resp.StatusCode)
	}
	value := "0"
	if trust {
		value = "1"
	}
	resp, err = u.client.PostForm(u.base+page+"/trust-sender", url.Values{
		"csrf": {string(m[1])}, "sender": {"news@example.test"}, "trust": {value},
	})
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("POST %s/trust-sender (trust=%s): %d", page, value, resp.StatusCode)
	}
	return nil
}

// otherBrowser is a second client of the same session that never gets the
// read-your-writes cookie: it only reads.
func otherBrowser(u *user) *user {
	jar, _ := cookiejar.New(nil)
	base, _ := url.Parse(u.base)
	jar.SetCookies(base, []*http.Cookie{u.sessionCookie()})
	o := newUser(u.index, u.email, u.password, u.base)
	o.client.Jar = jar
	return o
}

// delayReplica sets the replica's MASTER_DELAY (seconds) and, when it
// goes back to 0, waits until it has caught up.
func delayReplica(t *testing.T, c *cluster, seconds int) {
	t.Helper()
	db, err := sql.Open("mysql", c.db.RootReplicaDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range []string{"STOP SLAVE", fmt.Sprintf("CHANGE MASTER TO MASTER_DELAY = %d", seconds), "START SLAVE"} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("replica: %s: %v", stmt, err)
		}
	}
	if seconds == 0 {
		c.db.WaitReplicated(t)
	}
}
