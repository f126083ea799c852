package app

import "testing"

// TestTimeZoneNamesAreValid: every zone the settings menu offers is one a
// save accepts (with the tzdata compiled in), so no choice is refused.
func TestTimeZoneNamesAreValid(t *testing.T) {
	for _, name := range TimeZoneNames() {
		if !ValidTimeZone(name) {
			t.Errorf("the menu offers %q, which a save refuses", name)
		}
	}
}
