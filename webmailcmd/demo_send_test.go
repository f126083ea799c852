package webmailcmd

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// TestDemoSendsToItself runs `webmail demo` and sends a message from the
// demo account to itself through the compose page's form: the result
// page counts down the undo window, then says sent, and the message is
// in the demo INBOX and in Sent (the built-in SMTP delivers to the
// built-in IMAP).
func TestDemoSendsToItself(t *testing.T) {
	bin := buildBinary(t)
	addr, imapAddr := freeAddr(t), freeAddr(t)
	_, imapPort, _ := strings.Cut(imapAddr, ":")
	cmd := exec.Command(bin, "demo", "--listen", addr, "--data", filepath.Join(t.TempDir(), "demo"), "--imap-port", imapPort)
	logFile, err := os.Create(filepath.Join(t.TempDir(), "demo.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
		}
		if t.Failed() {
			b, _ := os.ReadFile(logFile.Name())
			t.Logf("demo log:\n%s", b)
		}
	})
	base := "http://" + addr
	waitReady(t, base)

	c := newClient(t)
	if resp, _ := login(t, c, base, demoUser, demoPassword); resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	resp, doc := getDoc(t, c, base+"/compose?to="+url.QueryEscape(demoUser))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/compose/") {
		t.Fatalf("GET /compose: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	composePath := resp.Request.URL.Path
	token, _ := doc.Find(`input[name="csrf"]`).Attr("value")
	subject := "Demo to itself " + strconv.FormatInt(time.Now().UnixNano(), 36)
	start := time.Now()
	resp, err = c.PostForm(base+composePath+"/send", url.Values{"csrf": {token}, "to": {demoUser}, "cc": {""}, "bcc": {""},
		"subject": {subject}, "body": {"Hello from the demo."}, "priority": {"normal"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != composePath+"/send" {
		t.Fatalf("send: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	// The default undo window is 10 s; the page says so, then sent.
	_, doc = getDoc(t, c, base+composePath+"/send")
	if status := doc.Find(`[data-testid="send-status"]`).Text(); !strings.HasPrefix(status, "Sending in") {
		t.Fatalf("result page right after sending says %q", status)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, doc = getDoc(t, c, base+composePath+"/send")
		if doc.Find(`[data-testid="send-result"]`).AttrOr("data-state", "") == "sent" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not sent after 30 s: %q", doc.Find("main").Text())
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("demo: sent %v after the click (undo window 10 s)", time.Since(start))

	client, err := imapclient.DialInsecure(imapAddr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if err := client.Login(demoUser, demoPassword).Wait(); err != nil {
		t.Fatal(err)
	}
	for _, mailbox := range []string{"INBOX", "Sent"} {
		if _, err := client.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			t.Fatalf("select %s: %v", mailbox, err)
		}
		data, err := client.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: subject}}}, nil).Wait()
		if err != nil {
			t.Fatal(err)
		}
		if n := len(data.AllUIDs()); n != 1 {
			t.Errorf("%s holds %d messages with the subject, want 1", mailbox, n)
		}
	}
}

// waitReady waits for base's /readyz to answer 200.
func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo not ready after 30 s: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
