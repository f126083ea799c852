package app

import "testing"

// TestSettingsFromPrefs: stored values the form no longer offers fall back
// to the defaults; the mark-read values are the ones the message page has
// always read.
func TestSettingsFromPrefs(t *testing.T) {
	a := New(Deps{PageSize: 30})
	tests := []struct {
		prefs map[string]string
		want  UserSettings
	}{
		{nil, UserSettings{PageSize: 30, Sort: "date-desc"}},
		{map[string]string{"page_size": "30"}, UserSettings{PageSize: 30, Sort: "date-desc"}},
		{map[string]string{"page_size": "100", "list_view": "threads", "list_sort": "size-asc"}, UserSettings{PageSize: 100, Threads: true, Sort: "size-asc"}},
		{map[string]string{"page_size": "75", "list_view": "cards", "list_sort": "sideways"}, UserSettings{PageSize: 30, Sort: "date-desc"}},
		{map[string]string{"mark_read_delay": "-1"}, UserSettings{PageSize: 30, Sort: "date-desc", MarkReadDelay: -1}},
		{map[string]string{"mark_read_delay": "-7"}, UserSettings{PageSize: 30, Sort: "date-desc", MarkReadDelay: -1}},
		{map[string]string{"mark_read_delay": "12"}, UserSettings{PageSize: 30, Sort: "date-desc", MarkReadDelay: 12}},
		{map[string]string{"mark_read_delay": "9999"}, UserSettings{PageSize: 30, Sort: "date-desc", MarkReadDelay: MaxMarkReadDelay}},
		{map[string]string{"mark_read_delay": "soon"}, UserSettings{PageSize: 30, Sort: "date-desc"}},
	}
	for _, tt := range tests {
		if got := a.settingsFromPrefs(tt.prefs); got != tt.want {
			t.Errorf("settingsFromPrefs(%v) = %+v, want %+v", tt.prefs, got, tt.want)
		}
	}
	// What the form saves reads back unchanged.
	for _, u := range []UserSettings{
		{PageSize: 200, MarkReadDelay: -1, Threads: true, Sort: "from-asc"},
		{PageSize: 25, MarkReadDelay: 300, Sort: "date-asc"},
		{PageSize: 30, Sort: "date-desc"},
	} {
		if got := a.settingsFromPrefs(u.prefs()); got != u {
			t.Errorf("%+v saved reads back as %+v", u, got)
		}
	}
	if got := pageSizeList(PageSizes(30)); got != "25, 30, 50, 100 or 200" {
		t.Errorf("page sizes with a server default of 30: %q", got)
	}
}
