package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadEnvironmentOverridesFileOverridesDefaults(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "webmail.env")
	os.WriteFile(file, []byte("# comment\nWEBMAIL_LISTEN=0.0.0.0:9000\nWEBMAIL_IMAP=\"imaps://file:993\"\nWEBMAIL_PAGE_SIZE=25\n"), 0o600)
	env := map[string]string{
		"WEBMAIL_CONFIG":             file,
		"WEBMAIL_IMAP":               "imap://env:143",
		"WEBMAIL_DB_READ":            "a, b ,,c",
		"WEBMAIL_SESSION_IDLE":       "10m",
		"WEBMAIL_TRUSTED_PROXIES":    "10.0.0.0/8, 127.0.0.1",
		"WEBMAIL_ATTACHMENTS":        "s3",
		"WEBMAIL_ATTACHMENTS_BUCKET": "mail",
	}
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	cfg, err := Load(func(k string) string { return env[k] }, environ)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "0.0.0.0:9000" {
		t.Errorf("Listen = %q, want the file's value", cfg.Listen)
	}
	if cfg.IMAP != "imap://env:143" {
		t.Errorf("IMAP = %q, want the environment's value", cfg.IMAP)
	}
	if cfg.PageSize != 25 {
		t.Errorf("PageSize = %d", cfg.PageSize)
	}
	if strings.Join(cfg.DBRead, "|") != "a|b|c" {
		t.Errorf("DBRead = %q", cfg.DBRead)
	}
	if cfg.SessionIdle != 10*time.Minute || cfg.SessionMax != 12*time.Hour {
		t.Errorf("session times = %v, %v", cfg.SessionIdle, cfg.SessionMax)
	}
	if len(cfg.TrustedProxies) != 2 || cfg.TrustedProxies[1].String() != "127.0.0.1/32" {
		t.Errorf("TrustedProxies = %v", cfg.TrustedProxies)
	}
	if cfg.Attachments != "s3" || cfg.AttachmentSettings["bucket"] != "mail" {
		t.Errorf("attachments = %q %v", cfg.Attachments, cfg.AttachmentSettings)
	}
}

func TestLoadReportsEveryBadValue(t *testing.T) {
	env := []string{"WEBMAIL_SESSION_IDLE=soon", "WEBMAIL_PAGE_SIZE=-3", "WEBMAIL_TRUSTED_PROXIES=not-an-ip"}
	_, err := Load(func(string) string { return "" }, env)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, name := range []string{"WEBMAIL_SESSION_IDLE", "WEBMAIL_PAGE_SIZE", "WEBMAIL_TRUSTED_PROXIES"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not mention %s: %v", name, err)
		}
	}
}

func TestMaxUploadSizes(t *testing.T) {
	for in, want := range map[string]int64{"26214400": 25 << 20, "25MiB": 25 << 20, "25 MB": 25 << 20, "512k": 512 << 10, "1GiB": 1 << 30} {
		cfg, err := Load(func(string) string { return "" }, []string{"WEBMAIL_MAX_UPLOAD=" + in})
		if err != nil || cfg.MaxUpload != want {
			t.Errorf("WEBMAIL_MAX_UPLOAD=%s: %d, %v; want %d", in, cfg.MaxUpload, err, want)
		}
	}
	for _, in := range []string{"2.5M", "-3", "25 parsecs", "MiB"} {
		if _, err := Load(func(string) string { return "" }, []string{"WEBMAIL_MAX_UPLOAD=" + in}); err == nil || !strings.Contains(err.Error(), "WEBMAIL_MAX_UPLOAD") {
			t.Errorf("WEBMAIL_MAX_UPLOAD=%s: err = %v, want a refusal naming it", in, err)
		}
	}
	if Default().MaxUpload != 25<<20 {
		t.Errorf("default upload limit = %d", Default().MaxUpload)
	}
}

func TestValidate(t *testing.T) {
	good := Default()
	good.IMAP = "imap://127.0.0.1:143"
	good.SMTP = "smtp://127.0.0.1:25"
	good.Secret = strings.Repeat("s", 40)
	if err := good.Validate(); err != nil {
		t.Fatalf("valid config refused: %v", err)
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"no secret", func(c *Config) { c.Secret = "" }, "WEBMAIL_SECRET is not set"},
		{"short secret", func(c *Config) { c.Secret = "xyzzy-42" }, "too short"},
		{"no imap", func(c *Config) { c.IMAP = "" }, "WEBMAIL_IMAP"},
		{"redis without address", func(c *Config) { c.SessionStore = "redis" }, "WEBMAIL_REDIS"},
		{"unknown session store", func(c *Config) { c.SessionStore = "files" }, "WEBMAIL_SESSION_STORE"},
		{"replicas without primary", func(c *Config) { c.DBRead = []string{"x"} }, "WEBMAIL_DB_READ"},
		{"sticky window shorter than the lag bound", func(c *Config) { c.DBMaxLag = 10 * time.Second }, "WEBMAIL_DB_STICKY"},
		{"secret with a comma", func(c *Config) { c.Secret = strings.Repeat("s", 40) + ",x" }, "commas"},
		{"secret with a trailing space", func(c *Config) { c.Secret = strings.Repeat("s", 40) + " " }, "spaces"},
		{"upload limit too small", func(c *Config) { c.MaxUpload = 1000 }, "WEBMAIL_MAX_UPLOAD"},
		{"upload limit too large", func(c *Config) { c.MaxUpload = 5 << 30 }, "WEBMAIL_MAX_UPLOAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.change(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want mention of %q", err, tt.want)
			}
			if c.Secret != "" && strings.Contains(err.Error(), c.Secret) {
				t.Fatal("error leaks the secret")
			}
		})
	}
	// Several problems are reported together.
	bad := good
	bad.IMAP, bad.SMTP, bad.Secret = "", "", ""
	err := bad.Validate()
	for _, want := range []string{"WEBMAIL_IMAP", "WEBMAIL_SMTP", "WEBMAIL_SECRET"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want mention of %s", err, want)
		}
	}
}
