package config

import (
	"strings"
	"testing"
)

// TestLoginSlowDownCanBeOff: WEBMAIL_LOGIN_LIMIT_SLOW=0 means "never slow
// down", as its help says; the other limits stay positive numbers.
func TestLoginSlowDownCanBeOff(t *testing.T) {
	cfg, err := Load(func(string) string { return "" }, []string{"WEBMAIL_LOGIN_LIMIT_SLOW=0"})
	if err != nil {
		t.Fatalf("WEBMAIL_LOGIN_LIMIT_SLOW=0 refused: %v", err)
	}
	if cfg.LoginLimitSlow != 0 {
		t.Errorf("LoginLimitSlow = %d, want 0", cfg.LoginLimitSlow)
	}
	for _, bad := range []string{"-1", "x"} {
		if _, err := Load(func(string) string { return "" }, []string{"WEBMAIL_LOGIN_LIMIT_SLOW=" + bad}); err == nil || !strings.Contains(err.Error(), "WEBMAIL_LOGIN_LIMIT_SLOW") {
			t.Errorf("WEBMAIL_LOGIN_LIMIT_SLOW=%s: %v, want refused by name", bad, err)
		}
	}
}
