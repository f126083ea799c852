package attachments_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/webmail/webmail/attachments"
)

func TestBackendsBuiltIn(t *testing.T) {
	got := attachments.Backends()
	for _, name := range []string{"fs", "redundant", "s3", "sql"} {
		if !slices.Contains(got, name) {
			t.Errorf("Backends() = %v, missing %q", got, name)
		}
	}
	if !slices.IsSorted(got) {
		t.Errorf("Backends() = %v, not sorted", got)
	}
}

func TestRegisterPanics(t *testing.T) {
	factory := func(context.Context, attachments.Config) (attachments.Store, error) {
		return nil, errors.New("unused")
	}
	attachments.Register("registry-test-once", factory)
	for _, tc := range []struct {
		name    string
		backend string
		factory attachments.Factory
	}{
		{"duplicate", "registry-test-once", factory},
		{"duplicate built-in", "fs", factory},
		{"nil factory", "registry-test-nil", nil},
		{"empty name", "", factory},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%q) did not panic", tc.backend)
				}
			}()
			attachments.Register(tc.backend, tc.factory)
		})
	}
	if slices.Contains(attachments.Backends(), "registry-test-nil") {
		t.Errorf("a panicking Register still registered its backend")
	}
}

func TestOpenUnknown(t *testing.T) {
	_, err := attachments.Open(t.Context(), "no-such-backend", attachments.Config{})
	if !errors.Is(err, attachments.ErrUnknownBackend) {
		t.Fatalf("Open(unknown) = %v, want ErrUnknownBackend", err)
	}
	for _, name := range []string{"no-such-backend", "fs", "s3", "sql", "redundant"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("Open(unknown) error %q does not mention %q", err, name)
		}
	}
}

func TestOpenFactoryError(t *testing.T) {
	attachments.Register("registry-test-failing", func(context.Context, attachments.Config) (attachments.Store, error) {
		return nil, errors.ErrUnsupported
	})
	_, err := attachments.Open(t.Context(), "registry-test-failing", attachments.Config{})
	if !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), "registry-test-failing") {
		t.Errorf("Open = %v, want the factory's error, naming the backend", err)
	}
}

func TestOpenBadConfig(t *testing.T) {
	for _, tc := range []struct {
		backend string
		cfg     attachments.Config
	}{
		{"fs", attachments.Config{}},
		{"sql", attachments.Config{Dialect: "sqlite"}},
		{"s3", attachments.Config{Settings: map[string]string{"bucket": "b"}}},
		{"s3", attachments.Config{Settings: map[string]string{"endpoint": "localhost:9000"}}},
		{"s3", attachments.Config{Settings: map[string]string{"endpoint": "localhost:9000", "bucket": "b", "secure": "maybe"}}},
		{"s3", attachments.Config{Settings: map[string]string{"endpoint": "localhost:9000", "bucket": "b", "prefix": "../x"}}},
		{"redundant", attachments.Config{}},
		{"redundant", attachments.Config{Settings: map[string]string{"backends": "redundant"}}},
		{"redundant", attachments.Config{Settings: map[string]string{"backends": "x:nope"}}},
	} {
		if store, err := attachments.Open(t.Context(), tc.backend, tc.cfg); err == nil {
			t.Errorf("Open(%q, %+v) = %T, want an error", tc.backend, tc.cfg.Settings, store)
		}
	}
}
