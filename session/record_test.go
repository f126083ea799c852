package session

import "testing"

// TestOldRecordLoads: a record written before the list of sessions (no
// device or addresses) and one with a field this version does not know
// both load, so rolling instances forwards and back signs nobody out.
func TestOldRecordLoads(t *testing.T) {
	records := map[string]string{
		"before the list": `{"user":"ann@example.test","cred":"AQID","csrf":"tok","created":"2026-01-01T00:00:00Z","seen":"2026-01-01T00:05:00Z","imap":"imap://mail:143"}`,
		"from a newer version": `{"user":"ann@example.test","cred":"AQID","csrf":"tok","created":"2026-01-01T00:00:00Z","seen":"2026-01-01T00:05:00Z",` +
			`"device":"Chrome on Linux","login_ip":"198.51.100.7","ip":"198.51.100.8","a_field_from_later":{"x":1}}`,
	}
	for name, data := range records {
		s, err := decode("id", []byte(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s.User != "ann@example.test" || s.CSRFToken != "tok" || string(s.Credentials) != "\x01\x02\x03" {
			t.Fatalf("%s: decoded %+v", name, s)
		}
	}
	s, _ := decode("id", []byte(records["from a newer version"]))
	if s.Device != "Chrome on Linux" || s.LoginIP != "198.51.100.7" || s.LastIP != "198.51.100.8" {
		t.Fatalf("client fields: %q %q %q", s.Device, s.LoginIP, s.LastIP)
	}
}
