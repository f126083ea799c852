package config

import (
	"strings"
	"testing"
	"time"
)

func TestClusterVariables(t *testing.T) {
	env := map[string]string{
		"WEBMAIL_DB_MAX_LAG":         "1500ms",
		"WEBMAIL_DB_STICKY":          "8s",
		"WEBMAIL_REDIS_SENTINELS":    "10.0.0.1:26379, 10.0.0.2:26379",
		"WEBMAIL_REDIS_MASTER":       "mymaster",
		"WEBMAIL_REDIS_PASSWORD":     " pw ",
		"WEBMAIL_PROXY_PROTOCOL":     "true",
		"WEBMAIL_TRUSTED_PROXIES":    "10.0.0.0/8",
		"WEBMAIL_LOGIN_LIMIT_USER":   "5",
		"WEBMAIL_LOGIN_LIMIT_IP":     "20",
		"WEBMAIL_LOGIN_LIMIT_WINDOW": "10m",
		"WEBMAIL_INSTANCE":           "web1",
		"WEBMAIL_METRICS_LISTEN":     "127.0.0.1:9100",
	}
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	c, err := Load(func(k string) string { return env[k] }, environ)
	if err != nil {
		t.Fatal(err)
	}
	if c.DBMaxLag != 1500*time.Millisecond || c.DBSticky != 8*time.Second {
		t.Errorf("lag %v sticky %v", c.DBMaxLag, c.DBSticky)
	}
	if len(c.RedisSentinels) != 2 || c.RedisMaster != "mymaster" || c.RedisPassword != " pw " || !c.HasRedis() {
		t.Errorf("redis %v %q %q", c.RedisSentinels, c.RedisMaster, c.RedisPassword)
	}
	if !c.ProxyProtocol || c.LoginLimitUser != 5 || c.LoginLimitIP != 20 || c.LoginLimitWindow != 10*time.Minute {
		t.Errorf("proxy %v limits %d %d %v", c.ProxyProtocol, c.LoginLimitUser, c.LoginLimitIP, c.LoginLimitWindow)
	}
	if c.Instance != "web1" || c.MetricsListen != "127.0.0.1:9100" {
		t.Errorf("instance %q metrics %q", c.Instance, c.MetricsListen)
	}
	d := Default()
	if d.DBMaxLag != 2*time.Second || d.DBSticky != 5*time.Second || d.LoginLimitUser != 10 || d.LoginLimitIP != 50 || d.LoginLimitWindow != 15*time.Minute || d.HasRedis() {
		t.Errorf("defaults %+v", d)
	}
	if _, err := Load(func(string) string { return "" }, []string{"WEBMAIL_PROXY_PROTOCOL=maybe"}); err == nil || !strings.Contains(err.Error(), "WEBMAIL_PROXY_PROTOCOL") {
		t.Errorf("bad boolean: %v", err)
	}
	documented := map[string]bool{}
	for _, v := range Variables() {
		documented[v.Name] = true
	}
	for name := range env {
		if !documented[name] {
			t.Errorf("%s is not in Variables()", name)
		}
	}
}

func TestValidateCluster(t *testing.T) {
	base := Default()
	base.IMAP, base.SMTP, base.Secret = "imaps://imap.%d", "smtp://x", strings.Repeat("s", 40)
	if err := base.Validate(); err != nil {
		t.Fatalf("valid: %v", err)
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"two redis modes", func(c *Config) { c.Redis = "r:6379"; c.RedisCluster = []string{"a:7000"} }, "only one of"},
		{"sentinels without master", func(c *Config) { c.RedisSentinels = []string{"a:26379"} }, "WEBMAIL_REDIS_MASTER"},
		{"master without sentinels", func(c *Config) { c.RedisMaster = "m" }, "without WEBMAIL_REDIS_SENTINELS"},
		{"redis sessions without redis", func(c *Config) { c.SessionStore = "redis" }, "needs WEBMAIL_REDIS"},
		{"proxy protocol without proxies", func(c *Config) { c.ProxyProtocol = true }, "WEBMAIL_TRUSTED_PROXIES"},
		{"metrics on the main address", func(c *Config) { c.MetricsListen = c.Listen }, "WEBMAIL_METRICS_LISTEN"},
		{"window too long", func(c *Config) { c.LoginLimitWindow = 48 * time.Hour }, "WEBMAIL_LOGIN_LIMIT_WINDOW"},
	}
	for _, tt := range tests {
		c := base
		tt.change(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	sentinel := base
	sentinel.SessionStore, sentinel.RedisSentinels, sentinel.RedisMaster = "redis", []string{"a:26379"}, "m"
	if err := sentinel.Validate(); err != nil {
		t.Errorf("sentinel sessions: %v", err)
	}
}
