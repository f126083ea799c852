package app

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// Values of the mark-read setting on the form; the stored value is the
// delay (see PrefMarkReadDelay).
const (
	MarkReadNow   = "now"
	MarkReadDelay = "delay"
	MarkReadNever = "never"
)

// defaultMarkReadSeconds is the delay the form offers before the user
// picked one.
const defaultMarkReadSeconds = 5

// SettingsForm are the settings page's fields as form values.
type SettingsForm struct {
	PageSize      string // one of PageSizes
	ListView      string // "messages" or "threads"
	ListSort      string // a SortChoice value
	MarkRead      string // MarkReadNow, MarkReadDelay or MarkReadNever
	MarkReadDelay string // seconds, with MarkReadDelay
	// UndoSend is how many seconds a sent message waits in the outbox, so
	// the user can take it back (0 to store.MaxUndoSendDelay). "" leaves
	// the saved value as it is: forms from before the field existed, and
	// scripts that post only the older fields, keep working.
	UndoSend string
	// Plugins are the values of the plugins' user settings by preference
	// key (plugin.<name>.<key>; see PluginSettingSections).
	Plugins map[string]string
	// Display are theme, density, reading pane, time zone, language,
	// preview, notifications and plain-text font.
	Display DisplayForm
}

// FieldError is a refused form: the field to correct and what is wrong,
// inside a CodeInvalid *Error.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return "app: field " + e.Field + ": " + e.Message }

// Settings returns the user's settings as the form shows them. Right after
// a save (read-your-writes) they come from the primary. Only when no
// database at all answers does it fail, rather than show defaults a save
// would then write over the real values.
func (a *App) Settings(ctx context.Context, sess *session.Session) (SettingsForm, error) {
	prefs, err := a.DB.PrefsByEmail(ctx, sess.User)
	if err != nil {
		return SettingsForm{}, storeError(err)
	}
	form := formFromSettings(a.settingsFromPrefs(prefs))
	form.UndoSend = strconv.Itoa(int(store.UndoSendDelay(prefs) / time.Second))
	form.Plugins = a.pluginValues(prefs)
	form.Display = displayForm(displayFromPrefs(prefs))
	return form, nil
}

// SaveSettings checks the form and saves the settings it asks for. Every
// field is required, as the form always sends them; an invalid value is a
// CodeInvalid *Error carrying a *FieldError, and nothing is saved then.
// While the primary database is down the save fails with CodeUnavailable:
// reading mail goes on meanwhile.
func (a *App) SaveSettings(ctx context.Context, sess *session.Session, form SettingsForm) error {
	settings, refused := a.parseSettingsForm(form)
	if refused != nil {
		return &Error{Code: CodeInvalid, Title: "Settings", Message: refused.Message, Err: refused}
	}
	pluginPrefs, refused := a.checkPluginValues(form.Plugins)
	if refused != nil {
		return &Error{Code: CodeInvalid, Title: "Settings", Message: refused.Message, Err: refused}
	}
	display, refused := parseDisplayForm(form.Display)
	if refused != nil {
		return &Error{Code: CodeInvalid, Title: "Settings", Message: refused.Message, Err: refused}
	}
	prefs := settings.prefs()
	if form.UndoSend != "" {
		seconds, err := strconv.Atoi(form.UndoSend)
		if err != nil || seconds < 0 || seconds > store.MaxUndoSendDelay {
			refused := &FieldError{"undo_send", "Choose how long a sent message can be taken back: 0 to " + strconv.Itoa(store.MaxUndoSendDelay) + " seconds."}
			return &Error{Code: CodeInvalid, Title: "Settings", Message: refused.Message, Err: refused}
		}
		prefs[store.PrefUndoSendDelay] = strconv.Itoa(seconds)
	}
	maps.Copy(prefs, pluginPrefs)
	maps.Copy(prefs, display)
	user, err := a.userForSession(ctx, sess)
	if err == nil {
		err = a.DB.SetPrefs(ctx, user.ID, prefs)
	}
	if err != nil {
		return storeError(err)
	}
	a.refreshSessionDisplay(ctx, sess)
	return nil
}

// formFromSettings fills the form with the user's settings.
func formFromSettings(u UserSettings) SettingsForm {
	f := SettingsForm{
		PageSize:      strconv.Itoa(u.PageSize),
		ListView:      "messages",
		ListSort:      u.Sort,
		MarkRead:      MarkReadNow,
		MarkReadDelay: strconv.Itoa(defaultMarkReadSeconds),
	}
	if u.Threads {
		f.ListView = "threads"
	}
	switch {
	case u.MarkReadDelay < 0:
		f.MarkRead = MarkReadNever
	case u.MarkReadDelay > 0:
		f.MarkRead, f.MarkReadDelay = MarkReadDelay, strconv.Itoa(u.MarkReadDelay)
	}
	return f
}

// parseSettingsForm checks the posted form and returns the settings it
// asks for, or why it cannot be saved.
func (a *App) parseSettingsForm(f SettingsForm) (UserSettings, *FieldError) {
	var out UserSettings
	sizes := PageSizes(a.PageSize)
	n, err := strconv.Atoi(f.PageSize)
	if err != nil || !slices.Contains(sizes, n) {
		return out, &FieldError{"page_size", "Choose how many messages a page shows: " + pageSizeList(sizes) + "."}
	}
	out.PageSize = n
	switch f.ListView {
	case "messages", "threads":
		out.Threads = f.ListView == "threads"
	default:
		return out, &FieldError{"list_view", "Choose whether lists show one line per message or conversations."}
	}
	if _, ok := findSort(f.ListSort); !ok {
		return out, &FieldError{"list_sort", "Choose how lists are sorted from the menu."}
	}
	out.Sort = f.ListSort
	switch f.MarkRead {
	case MarkReadNow:
		out.MarkReadDelay = 0
	case MarkReadNever:
		out.MarkReadDelay = -1
	case MarkReadDelay:
		seconds, err := strconv.Atoi(f.MarkReadDelay)
		if err != nil || seconds < 1 || seconds > MaxMarkReadDelay {
			return out, &FieldError{"mark_read_delay",
				"The delay before a message is marked as read must be a whole number of seconds from 1 to " + strconv.Itoa(MaxMarkReadDelay) + "."}
		}
		out.MarkReadDelay = seconds
	default:
		return out, &FieldError{"mark_read", "Choose when an opened message is marked as read: immediately, after a delay or never."}
	}
	return out, nil
}
