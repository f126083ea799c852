package plugins

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
)

// AfterLogin runs the AfterLogin hooks in order. It returns the first
// *Veto, or nil: failures of a hook are logged, counted and ignored.
func (h *Host) AfterLogin(ctx context.Context, login Login) error {
	for _, p := range h.Plugins() {
		hook, ok := p.Value.(AfterLogin)
		if !ok {
			continue
		}
		if veto := vetoOf(h.call(ctx, p, "after_login", func(ctx context.Context) error {
			return hook.AfterLogin(ctx, login)
		})); veto != nil {
			return veto
		}
	}
	return nil
}

// BeforeSend runs the BeforeSend hooks in order over msg. Each hook works
// on a copy, taken back only when the hook succeeded, so a hook that
// failed half-way changes nothing. It returns the first *Veto, or nil.
func (h *Host) BeforeSend(ctx context.Context, msg *Outgoing) error {
	for _, p := range h.Plugins() {
		hook, ok := p.Value.(BeforeSend)
		if !ok {
			continue
		}
		work := msg.clone()
		work.Prefs = OwnPrefs(p.Name, msg.Prefs)
		err := h.call(ctx, p, "before_send", func(ctx context.Context) error {
			return hook.BeforeSend(ctx, work)
		})
		if veto := vetoOf(err); veto != nil {
			return veto
		}
		if err == nil {
			// Only the body and added headers are taken: a hook may not
			// change who the message goes to.
			msg.Text, msg.HTML = work.Text, work.HTML
			msg.Headers = work.Headers
		}
	}
	return nil
}

func (m *Outgoing) clone() *Outgoing {
	c := *m
	c.To, c.Cc, c.Bcc = slices.Clone(m.To), slices.Clone(m.Cc), slices.Clone(m.Bcc)
	c.AttachmentNames = slices.Clone(m.AttachmentNames)
	c.Headers = slices.Clone(m.Headers)
	c.Prefs = nil // each hook gets its own
	return &c
}

// PluginBanner is a banner with the plugin that gave it.
type PluginBanner struct {
	Plugin string
	Banner
}

// MessageBanners collects the banners of the MessageBanner hooks in order.
// A failed hook gives none.
func (h *Host) MessageBanners(ctx context.Context, msg Message) []PluginBanner {
	var out []PluginBanner
	for _, p := range h.Plugins() {
		hook, ok := p.Value.(MessageBanner)
		if !ok {
			continue
		}
		var banners []Banner
		own := msg
		own.Prefs = OwnPrefs(p.Name, msg.Prefs)
		err := h.call(ctx, p, "message_banner", func(ctx context.Context) error {
			var err error
			banners, err = hook.MessageBanner(ctx, own)
			return err
		})
		if err != nil {
			continue
		}
		for _, b := range banners {
			if b.Text != "" {
				out = append(out, PluginBanner{Plugin: p.Name, Banner: b})
			}
		}
	}
	return out
}

// Jobs returns the enabled plugins' jobs, each wrapped so that a panic is
// recovered, logged and counted. Name is plugin-<plugin>-<job>.
func (h *Host) Jobs() []Job {
	var out []Job
	for _, p := range h.Plugins() {
		hook, ok := p.Value.(Jobs)
		if !ok {
			continue
		}
		for _, j := range hook.Jobs() {
			run := j.Run
			out = append(out, Job{Name: "plugin-" + p.Name + "-" + j.Name, Every: j.Every,
				Run: func(ctx context.Context) error { return h.runJob(ctx, p, run) }})
		}
	}
	return out
}

// runJob runs a job recovering a panic; the job runner has its own
// deadline, so none is added here.
func (h *Host) runJob(ctx context.Context, p Plugin, run func(context.Context) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			h.logger.ErrorContext(ctx, "plugin job panicked", "plugin", p.Name, "panic", v)
			h.countFailure(p.Name, "job")
			err = errPanic
		}
	}()
	if err = run(ctx); err != nil {
		h.countFailure(p.Name, "job")
	}
	return err
}

// RouteHandlers returns the handlers of the plugins with Routes, by
// plugin name, each wrapped by Recover. The webmail mounts each at
// /plugins/<name>/ behind its middleware.
func (h *Host) RouteHandlers() map[string]http.Handler {
	out := map[string]http.Handler{}
	for _, p := range h.Plugins() {
		if hook, ok := p.Value.(Routes); ok {
			out[p.Name] = h.Recover(p, hook.Routes())
		}
	}
	return out
}

func vetoOf(err error) *Veto {
	var veto *Veto
	if errors.As(err, &veto) {
		return veto
	}
	return nil
}

// Section is a plugin's user settings (UserSettings hook).
type Section struct {
	Plugin string
	Fields []Field
}

// UserSettings returns the sections of the plugins with user settings, in
// order. A panicking UserSettings is counted and gives no section.
func (h *Host) UserSettings() []Section {
	var out []Section
	for _, p := range h.Plugins() {
		hook, ok := p.Value.(UserSettings)
		if !ok {
			continue
		}
		var fields []Field
		err := h.call(context.Background(), p, "user_settings", func(context.Context) error {
			fields = hook.UserSettings()
			return nil
		})
		if err == nil && len(fields) > 0 {
			out = append(out, Section{Plugin: p.Name, Fields: fields})
		}
	}
	return out
}

// OwnPrefs picks plugin's user settings out of prefs (every preference of
// the user), by key without the plugin.<name>. prefix.
func OwnPrefs(plugin string, prefs map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range prefs {
		if key, ok := strings.CutPrefix(k, PrefKey(plugin, "")); ok {
			out[key] = v
		}
	}
	return out
}
