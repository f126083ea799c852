package cluster_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// previousRelease is the commit of the release the rolling upgrade starts
// from: the last release before issue 14, with migrations 0001-0004 (the
// current tree adds 0005-0007: composes and uploads, mail routing, the
// sessions' user key).
const previousRelease = "6a1fd6f"

// buildPreviousRelease builds `webmail` of previousRelease from this
// repository's history (git archive into a temporary directory, so the
// working tree is untouched). -trimpath makes the build independent of the
// directory, so Go's build cache serves every run after the first.
//
// Without that commit (a shallow clone, or a tree exported without its
// history) it returns "" and why: the cluster then starts on this tree and
// step 0 is reported as skipped, by name, in the test report, rather than
// failing every other step of the cluster test for want of history.
func buildPreviousRelease(t *testing.T) (bin, missing string) {
	t.Helper()
	if out, err := exec.Command("git", "-C", "..", "cat-file", "-e", previousRelease+"^{commit}").CombinedOutput(); err != nil {
		return "", fmt.Sprintf("the rolling upgrade starts from commit %s, which this checkout does not have (a shallow clone? fetch the history to run it): %v %s",
			previousRelease, err, strings.TrimSpace(string(out)))
	}
	src := t.TempDir()
	archive := exec.Command("sh", "-c", `git -C .. archive "$1" | tar -x -C "$2"`, "sh", previousRelease, src)
	if out, err := archive.CombinedOutput(); err != nil {
		t.Fatalf("extracting %s: %v\n%s", previousRelease, err, out)
	}
	bin = filepath.Join(t.TempDir(), "webmail-"+previousRelease)
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/webmail")
	build.Dir = src
	build.Env = append(os.Environ(), "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building webmail %s: %v\n%s", previousRelease, err, out)
	}
	return bin, ""
}

// stepRollingUpgrade: the cluster runs the previous release (startCluster
// started it on that release's schema, and every user signed in on it).
// Under load, `webmail migrate` of this release runs while the previous
// release serves, then each instance in turn is drained, stopped, and
// started again on this release's binary. During the roll an instance of
// the previous release signs a user in and reads mail on the migrated
// schema, while an instance of this release opens, saves and sends a
// message for a user whose session the previous release created. No
// request fails, no session is lost: sessions of the previous release
// (created before and during the roll) serve on this one, and the message
// is delivered once.
func stepRollingUpgrade(t *testing.T, c *cluster) {
	if c.noPreviousRelease != "" {
		report(t, "NOT RUN: %s", c.noPreviousRelease)
		t.Skip(c.noPreviousRelease)
	}
	for _, in := range c.instances {
		if in.bin != c.oldBin {
			t.Fatalf("%s does not run the previous release", in.name)
		}
	}
	l := startLoad(t, c.users)
	time.Sleep(time.Second)

	began := time.Now()
	out := runWebmail(t, c.bin, c.env, "migrate")
	migrateTook := time.Since(began)
	t.Logf("migrate while the previous release serves (%s):\n%s", migrateTook.Round(time.Millisecond), out)

	var swaps []string
	var sent sentMessage
	var duringRoll *user
	for i, in := range c.instances {
		swapped := time.Now()
		in.signal(syscall.SIGTERM)
		state := in.wait(drain + 40*time.Second)
		if code, err := exitCode(state); err != nil || code != 0 {
			l.stop()
			t.Fatalf("%s (previous release) after SIGTERM: exit code %d, %v\n%s", in.name, code, err, in.logTail(20))
		}
		in.bin = c.bin
		c.restart(t, in)
		swaps = append(swaps, fmt.Sprintf("%s %.1fs", in.name, time.Since(swapped).Seconds()))
		if i == 0 {
			// One instance runs this release, two the previous one.
			duringRoll = checkPreviousReleaseServes(t, c, c.instances[2])
			sent = sendOn(t, c, c.users[0], in)
		}
	}
	time.Sleep(time.Second)
	results := l.stop()
	all := count(results, nil)
	report(t, "rolling upgrade %s -> this tree under load: migrate (0004 -> latest) took %s while the previous release served; instances replaced one at a time (drain %s, exit, start new, HAProxy up): %s; %s",
		previousRelease, migrateTook.Round(time.Millisecond), drain, strings.Join(swaps, ", "), all)
	if all.failed > 0 {
		t.Errorf("%d requests failed during the rolling upgrade (%d found their session gone):%s", all.failed, all.signedOut, failures(results, 10))
	}

	// Sessions the previous release created serve on this one: every
	// user's (signed in before the roll) and the one signed in on a
	// previous-release instance during it.
	c.checkSignedIn(t)
	if r := duringRoll.get("/mail/INBOX", inboxMarker); !r.ok() {
		t.Errorf("a session the previous release created during the roll, on this release: %v", r)
	}
	sent.wait(t, c)
	report(t, "sessions of the previous release (%d from before the roll, 1 signed in on a previous-release instance during it) serve on this release; a message written and sent on this release's first instance during the roll, by a user the previous release signed in, was delivered once",
		len(c.users))
}

// checkPreviousReleaseServes signs a user in on an instance of the previous
// release directly, on the migrated schema (the expand rule at work), and
// reads INBOX and a message there. It returns that user, whose session the
// previous release wrote, going through HAProxy from then on.
func checkPreviousReleaseServes(t *testing.T, c *cluster, old *instance) *user {
	t.Helper()
	if old.bin != c.oldBin {
		t.Fatalf("%s does not run the previous release", old.name)
	}
	base := c.users[1]
	direct := newUser(100, base.email, base.password, "http://"+old.addr)
	if r := direct.login(); !r.ok() {
		t.Fatalf("signing in on %s (previous release) after migrate: %v %q", old.name, r, r.body)
	}
	if err := direct.findMessage(); err != nil {
		t.Fatalf("INBOX on %s (previous release) after migrate: %v", old.name, err)
	}
	if r := direct.get(direct.messagePath, messageMarker); !r.ok() {
		t.Fatalf("a message on %s (previous release) after migrate: %v", old.name, r)
	}
	through := newUser(100, base.email, base.password, c.lb.URL)
	lb, _ := url.Parse(c.lb.URL)
	through.client.Jar.SetCookies(lb, []*http.Cookie{direct.sessionCookie()})
	return through
}

// sentMessage is a message sent during the roll, to check once it is over.
type sentMessage struct {
	u                *user
	path             string
	rcpt, rcptPasswd string
	subject          string
}

// sendOn writes and sends a message on instance in directly, for u.
func sendOn(t *testing.T, c *cluster, u *user, in *instance) sentMessage {
	t.Helper()
	rcpt, rcptPassword := c.mail.AddUser(t)
	client, base := directClient(t, u, in), "http://"+in.addr
	resp, err := client.Get(base + "/compose")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	path := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(path, "/compose/") {
		t.Fatalf("GET /compose on %s (this release) with a previous-release session: %d to %q", in.name, resp.StatusCode, path)
	}
	token, revision := composePage(t, client, base, path)
	subject := fmt.Sprintf("During the upgrade %d", time.Now().UnixNano())
	fields := url.Values{"csrf": {token}, "revision": {revision}, "to": {rcpt}, "subject": {subject},
		"body": {"Written while two instances still ran the previous release."}}
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(fields.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if resp, err = client.Do(req); err != nil {
		t.Fatal(err)
	}
	var saved struct {
		Revision int64 `json:"revision"`
	}
	err = json.NewDecoder(resp.Body).Decode(&saved)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || err != nil || saved.Revision == 0 {
		t.Fatalf("autosave on %s: %d, %v", in.name, resp.StatusCode, err)
	}
	fields.Set("revision", fmt.Sprint(saved.Revision))
	resp, err = client.PostForm(base+path+"/send", fields)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path+"/send" {
		t.Fatalf("send on %s: %d to %q", in.name, resp.StatusCode, resp.Header.Get("Location"))
	}
	return sentMessage{u: u, path: path, rcpt: rcpt, rcptPasswd: rcptPassword, subject: subject}
}

// wait waits until the message is sent (after the undo window) and checks
// the recipient has exactly one copy.
func (m sentMessage) wait(t *testing.T, c *cluster) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		r := m.u.get(m.path+"/send", `data-state="sent"`)
		if r.ok() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the message sent during the roll was not sent 45 s later: %v %q", r, r.body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	c.mail.WaitForMessages(t, m.rcpt, m.rcptPasswd, "INBOX", 1)
	time.Sleep(500 * time.Millisecond) // a second copy would be in by now
	selected, err := c.mail.IMAPClient(t, m.rcpt, m.rcptPasswd).Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if selected.NumMessages != 1 {
		t.Fatalf("the recipient of the message sent during the roll has %d messages, want 1", selected.NumMessages)
	}
}
