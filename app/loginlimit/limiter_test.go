package loginlimit

import (
	"testing"
	"time"
)

// TestDelay: no hold up to SlowAfter failures, then 0.5 s doubling up to
// MaxDelay (DefaultMaxDelay when unset); SlowAfter 0 never holds.
func TestDelay(t *testing.T) {
	for _, tc := range []struct {
		limits   Limits
		failures int
		want     time.Duration
	}{
		{Limits{SlowAfter: 10}, 10, 0},
		{Limits{SlowAfter: 10}, 11, 500 * time.Millisecond},
		{Limits{SlowAfter: 10}, 12, time.Second},
		{Limits{SlowAfter: 10}, 14, 4 * time.Second},
		{Limits{SlowAfter: 10}, 16, DefaultMaxDelay},
		{Limits{SlowAfter: 10}, 1 << 20, DefaultMaxDelay},
		{Limits{SlowAfter: 2, MaxDelay: 3 * time.Second}, 6, 3 * time.Second},
		{Limits{}, 1000, 0},
	} {
		if got := tc.limits.Delay(tc.failures); got != tc.want {
			t.Errorf("%+v with %d failures: %v, want %v", tc.limits, tc.failures, got, tc.want)
		}
	}
}

// TestKeys: a username's failures are counted per client network (IPv4
// /24, IPv6 /48) and per known device, whatever the username's case.
func TestKeys(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{userNetworkKey("Anna@Example.test ", "192.0.2.1"), userNetworkKey("anna@example.test", "192.0.2.200")},
		{userNetworkKey("anna@example.test", "2001:db8:1:2::1"), userNetworkKey("anna@example.test", "2001:db8:1:ffff::9")},
		{userNetworkKey("anna@example.test", "::ffff:192.0.2.1"), userNetworkKey("anna@example.test", "192.0.2.9")},
	} {
		if tc.a != tc.b {
			t.Errorf("%q != %q", tc.a, tc.b)
		}
	}
	for _, tc := range []struct{ a, b string }{
		{userNetworkKey("anna@example.test", "192.0.2.1"), userNetworkKey("anna@example.test", "192.0.3.1")},
		{userNetworkKey("anna@example.test", "2001:db8:1::1"), userNetworkKey("anna@example.test", "2001:db8:2::1")},
		{userNetworkKey("anna@example.test", "192.0.2.1"), userNetworkKey("bob@example.test", "192.0.2.1")},
		{userDeviceKey("anna@example.test", "ab"), userDeviceKey("anna@example.test", "cd")},
	} {
		if tc.a == tc.b {
			t.Errorf("%q == %q", tc.a, tc.b)
		}
	}
}
