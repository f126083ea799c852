package app

import (
	"sync"
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
	if loc, ok := loadZone(name); ok {
		return loc
	}
	return time.UTC // "Local" too: the server's zone is nobody's
}

// zones memoizes time.LoadLocation, which reads and parses the zone file
// on every call; pages ask for the reader's zone several times each. A
// pure function's memo, not state: only names that loaded are kept, so it
// holds at most the ~600 IANA zones, whatever a request sends.
var zones sync.Map // zone name -> *time.Location

// loadZone loads an IANA zone by name. "Local" is refused: it would mean
// the server's zone.
func loadZone(name string) (*time.Location, bool) {
	if name == "" || name == "Local" || len(name) > 64 {
		return nil, false
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), true
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	zones.Store(name, loc)
	return loc, true
}
