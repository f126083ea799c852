package metrics_test

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/webmail/webmail/internal/metrics"
	"github.com/webmail/webmail/plugins"
)

func init() {
	plugins.Register("metrics-test-panics", func(*plugins.Config) (any, error) { return panicky{}, nil })
}

type panicky struct{}

func (panicky) AfterLogin(context.Context, plugins.Login) error { panic("bug") }

func (panicky) Jobs() []plugins.Job {
	return []plugins.Job{{Name: "tidy", Every: 1, Run: func(context.Context) error { panic("job bug") }}}
}

// TestPluginFailuresExported: a panicking hook and a panicking job are
// survived and show in /metrics as webmail_plugin_failures_total.
func TestPluginFailuresExported(t *testing.T) {
	host, err := plugins.Load(plugins.Options{Names: []string{"metrics-test-panics"}})
	if err != nil {
		t.Fatal(err)
	}
	reg := metrics.New("test")
	reg.WatchPlugins(host)
	if err := host.AfterLogin(context.Background(), plugins.Login{User: "u"}); err != nil {
		t.Fatalf("AfterLogin = %v, want nil after a panic", err)
	}
	jobs := host.Jobs()
	if len(jobs) != 1 || jobs[0].Name != "plugin-metrics-test-panics-tidy" {
		t.Fatalf("jobs = %+v", jobs)
	}
	if err := jobs[0].Run(context.Background()); err == nil {
		t.Error("a panicking job reported success")
	}
	rec := httptest.NewRecorder()
	reg.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`webmail_plugin_failures_total{hook="after_login",plugin="metrics-test-panics"} 1`,
		`webmail_plugin_failures_total{hook="job",plugin="metrics-test-panics"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
