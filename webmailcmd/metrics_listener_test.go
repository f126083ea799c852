package webmailcmd

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestProfilerOnlyOnTheMetricsListener: /metrics and Go's profiler answer
// on the metrics listener (WEBMAIL_METRICS_LISTEN) and nowhere on the
// application's listener. There used to be no profiler at all, and
// /metrics was on the application listener unless a listener was set (the
// default is now one of its own: config.TestMetricsListenerOfTheirOwnByDefault).
func TestProfilerOnlyOnTheMetricsListener(t *testing.T) {
	bin := buildBinary(t)
	metricsAddr := freeAddr(t)
	env := []string{
		"WEBMAIL_IMAP=imap://127.0.0.1:1",
		"WEBMAIL_SMTP=smtp://127.0.0.1:1",
		"WEBMAIL_SECRET=metrics-test-secret-0123456789abcdef0123",
		"WEBMAIL_DATA=" + t.TempDir(),
		"WEBMAIL_METRICS_LISTEN=" + metricsAddr,
	}
	migrateBinary(t, bin, env)
	base := startWebmail(t, bin, env)
	noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	fetch := func(url string) (int, string) {
		t.Helper()
		resp, err := noRedirects.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	// The shared dependencies' answers, after the first check round
	// (started with the instance, every 2 s).
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, status := fetch("http://" + metricsAddr + "/status")
		_, metrics := fetch("http://" + metricsAddr + "/metrics")
		if strings.Contains(status, `"name":"sessions","up":true`) && strings.Contains(metrics, `webmail_dependency_up{dependency="sessions"} 1`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no shared dependency reported up: /status %.300q, /metrics has webmail_dependency_up: %v", status, strings.Contains(metrics, "webmail_dependency_up"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	for path, want := range map[string]string{
		"/status":              `"dependencies":[`,
		"/metrics":             "webmail_instance_info",
		"/debug/pprof/":        "goroutine",
		"/debug/pprof/cmdline": "serve",
	} {
		if status, body := fetch("http://" + metricsAddr + path); status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("metrics listener %s = %d %.100q, want 200 with %q", path, status, body, want)
		}
		if status, body := fetch(base + path); status == http.StatusOK || strings.Contains(body, want) {
			t.Errorf("application listener %s = %d %.100q: must not be served there", path, status, body)
		}
	}
}
