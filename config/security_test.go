package config

import (
	"net/netip"
	"strings"
	"testing"
)

// TestMetricsListenerOfTheirOwnByDefault: without WEBMAIL_METRICS_LISTEN
// the metrics (and pprof) get a loopback listener of their own. They used
// to be served on the application listener, public unless the load
// balancer hid them. An empty value, which used to mean just that, is now
// refused with a message saying what to set.
func TestMetricsListenerOfTheirOwnByDefault(t *testing.T) {
	c, err := Load(func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := netip.ParseAddrPort(c.MetricsListen)
	if err != nil || !addr.Addr().IsLoopback() || c.MetricsListen == c.Listen {
		t.Fatalf("default WEBMAIL_METRICS_LISTEN = %q, want a loopback address of its own", c.MetricsListen)
	}
	c.IMAP, c.SMTP, c.Secret = "imaps://imap.%d", "smtp://x", strings.Repeat("s", 40)
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	empty, err := Load(func(string) string { return "" }, []string{"WEBMAIL_METRICS_LISTEN="})
	if err != nil {
		t.Fatal(err)
	}
	empty.IMAP, empty.SMTP, empty.Secret = c.IMAP, c.SMTP, c.Secret
	if err := empty.Validate(); err == nil || !strings.Contains(err.Error(), "WEBMAIL_METRICS_LISTEN is empty") {
		t.Errorf("empty WEBMAIL_METRICS_LISTEN: %v, want a refusal", err)
	}
}

func TestMaxFormBytes(t *testing.T) {
	c, err := Load(func(string) string { return "" }, nil)
	if err != nil || c.MaxFormBytes != 1<<20 {
		t.Fatalf("default WEBMAIL_MAX_FORM_BYTES = %d, %v; want 1 MiB", c.MaxFormBytes, err)
	}
	c, err = Load(func(string) string { return "" }, []string{"WEBMAIL_MAX_FORM_BYTES=65536"})
	if err != nil || c.MaxFormBytes != 65536 {
		t.Fatalf("WEBMAIL_MAX_FORM_BYTES=65536: %d, %v", c.MaxFormBytes, err)
	}
	c.IMAP, c.SMTP, c.Secret = "imaps://imap.%d", "smtp://x", strings.Repeat("s", 40)
	c.MaxFormBytes = 100
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "WEBMAIL_MAX_FORM_BYTES") {
		t.Errorf("a 100-byte form limit: %v, want a refusal", err)
	}
}
