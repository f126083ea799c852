// Package status is the plugin "status", a page for the webmail's admins
// at /plugins/status/: this instance's name, the webmail's version, how
// long the instance has been up, and the plugins compiled in and enabled.
//
//	WEBMAIL_PLUGINS=status
//	WEBMAIL_PLUGIN_STATUS_ADMINS=alice@example.org,bob@example.org
//
// Everyone else gets 404, as if the page did not exist. It shows the API's
// Routes hook end to end: the page is behind the session, CSRF checks and
// security headers like every page, and learns the user from plugins.UserOf.
package status

import (
	"html/template"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/webmail/webmail/plugins"
)

// Name is the plugin's name.
const Name = "status"

func init() {
	plugins.Register(Name, func(cfg *plugins.Config) (any, error) {
		admins := cfg.List("admins")
		if len(admins) == 0 {
			cfg.Problem("%s is not set: the logins that may see the status page, comma-separated", cfg.Variable("admins"))
		}
		for i := range admins {
			admins[i] = strings.ToLower(admins[i])
		}
		return &Status{admins: admins, instance: cfg.Instance(), enabled: cfg.Enabled(), started: time.Now()}, nil
	})
}

// Status is the plugin.
type Status struct {
	admins   []string
	instance string
	enabled  []string
	started  time.Time
}

var _ plugins.Routes = (*Status)(nil)

// Routes serves the page at /plugins/status/.
func (s *Status) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.show)
	return mux
}

// View is what the page shows.
type View struct {
	Instance, Version, Uptime string
	Enabled, Compiled         []string
}

func (s *Status) show(w http.ResponseWriter, r *http.Request) {
	if !slices.Contains(s.admins, strings.ToLower(plugins.UserOf(r.Context()))) {
		http.NotFound(w, r)
		return
	}
	view := View{Instance: s.instance, Version: version(), Uptime: time.Since(s.started).Round(time.Second).String(),
		Enabled: s.enabled, Compiled: plugins.Registered()}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := page.Execute(w, view); err != nil {
		http.Error(w, "The status page failed.", http.StatusInternalServerError)
	}
}

// version is the module version and VCS revision the binary was built from.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value
		}
	}
	return v
}

var page = template.Must(template.New("status").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Status · webmail</title></head>
<body><main>
<h1>Status</h1>
<dl>
<dt>Instance</dt><dd data-testid="instance">{{.Instance}}</dd>
<dt>Version</dt><dd data-testid="version">{{.Version}}</dd>
<dt>Uptime</dt><dd data-testid="uptime">{{.Uptime}}</dd>
</dl>
<h2>Plugins enabled</h2>
<ol data-testid="enabled">{{range .Enabled}}<li>{{.}}</li>{{end}}</ol>
<h2>Plugins compiled in</h2>
<ul data-testid="compiled">{{range .Compiled}}<li>{{.}}</li>{{end}}</ul>
</main></body></html>
`))
