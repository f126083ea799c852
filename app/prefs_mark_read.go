package app

import "strconv"

// PrefMarkReadDelay is the user setting for when an opened message is
// marked read: "0" (or unset) on opening, N > 0 after N seconds on the
// page (the page's script does it), "-1" never.
const PrefMarkReadDelay = "mark_read_delay"

// MaxMarkReadDelay caps the delay, in seconds, a setting can ask for.
const MaxMarkReadDelay = 300

// ParseMarkReadDelay reads the stored mark-read setting: "0" (or nothing)
// on opening, N > 0 after N seconds (at most MaxMarkReadDelay), any
// negative number never (-1).
func ParseMarkReadDelay(value string) int {
	n, err := strconv.Atoi(value)
	switch {
	case err != nil:
		return 0
	case n < 0:
		return -1
	default:
		return min(n, MaxMarkReadDelay)
	}
}
