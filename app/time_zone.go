package app

import (
	"time"
	// The zone database is compiled in: a host without /usr/share/zoneinfo
	// (a scratch container) still shows every user's time zone.
	_ "time/tzdata"
)

// PrefTimeZone is the setting naming the user's time zone (IANA, like
// "Europe/Berlin"); "" or an unknown name means UTC.
const PrefTimeZone = "time_zone"

// TimeZone is the location named by a time_zone setting: UTC when the name
// is empty or unknown, so a bad stored value never breaks a page.
func TimeZone(name string) *time.Location {
	if !ValidTimeZone(name) {
		return time.UTC // "Local" too: the server's zone is nobody's
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}
