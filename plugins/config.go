package plugins

import (
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is one plugin's settings while its factory runs. Each getter
// reads WEBMAIL_PLUGIN_<NAME>_<KEY>; a missing required value or a value
// that does not parse is recorded, not returned, so that every problem of
// every plugin is reported at once when the instance starts. Keys are
// written in lower case (key "admins" is WEBMAIL_PLUGIN_STATUS_ADMINS).
type Config struct {
	name     string
	values   map[string]string // lower-case key -> value
	read     map[string]bool
	problems []string
	env      Options // what the webmail gives plugins (Load's options)
}

// NewConfig returns the settings of plugin name from values (lower-case
// keys without the prefix). Tests of a plugin use it to call its factory.
func NewConfig(name string, values map[string]string) *Config {
	return &Config{name: name, values: values, read: map[string]bool{}}
}

// Logger is the webmail's logger for the plugin, with its name.
func (c *Config) Logger() *slog.Logger {
	if c.env.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.env.Logger.With("plugin", c.name)
}

// Instance is this instance's name (WEBMAIL_INSTANCE).
func (c *Config) Instance() string { return c.env.Instance }

// Enabled are the names of the plugins enabled, in order.
func (c *Config) Enabled() []string { return slices.Clone(c.env.Names) }

// Domains lists the domain table's domains (nil when the webmail has no
// database, as in a plugin's own unit tests).
func (c *Config) Domains() DomainSource { return c.env.Domains }

// Prefixed returns the settings whose keys start with prefix, by the rest
// of the key, for settings named after data ("text_example_com").
func (c *Config) Prefixed(prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range c.values {
		if rest, ok := strings.CutPrefix(k, prefix); ok && rest != "" {
			c.read[k] = true
			out[rest] = strings.TrimSpace(v)
		}
	}
	return out
}

// Name is the plugin's name.
func (c *Config) Name() string { return c.name }

// Variable is the variable that sets key, for messages.
func (c *Config) Variable(key string) string {
	return "WEBMAIL_PLUGIN_" + EnvName(c.name) + "_" + strings.ToUpper(key)
}

// String returns the setting, or def when it is unset or empty.
func (c *Config) String(key, def string) string {
	c.read[key] = true
	if v := strings.TrimSpace(c.values[key]); v != "" {
		return v
	}
	return def
}

// Required returns the setting and records a problem when it is empty.
func (c *Config) Required(key, example string) string {
	v := c.String(key, "")
	if v == "" {
		c.Problem("%s is not set (for example %s)", c.Variable(key), example)
	}
	return v
}

// List returns the comma-separated setting, trimmed, without empty entries.
func (c *Config) List(key string) []string {
	var out []string
	for _, v := range strings.Split(c.String(key, ""), ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Bool returns the setting, or def when unset; anything but a boolean is a
// problem.
func (c *Config) Bool(key string, def bool) bool {
	v := c.String(key, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		c.Problem("%s: %q is not true or false", c.Variable(key), v)
		return def
	}
	return b
}

// Duration returns the setting, or def when unset; anything but a positive
// duration is a problem.
func (c *Config) Duration(key string, def time.Duration) time.Duration {
	v := c.String(key, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		c.Problem("%s: %q is not a positive duration like 30s", c.Variable(key), v)
		return def
	}
	return d
}

// Problem records a problem with the settings; the instance does not start.
func (c *Config) Problem(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// Problems returns what was recorded, and a problem for each setting given
// that the factory never read (most likely a typo).
func (c *Config) Problems() []string {
	out := slices.Clone(c.problems)
	var unknown []string
	for key := range c.values {
		if !c.read[key] {
			unknown = append(unknown, c.Variable(key))
		}
	}
	slices.Sort(unknown)
	for _, v := range unknown {
		out = append(out, v+" is not a setting of plugin "+c.name)
	}
	return out
}

// EnvName is a plugin name as it appears in variable names:
// "attachment-reminder" -> "ATTACHMENT_REMINDER".
func EnvName(name string) string {
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// SettingsOf picks plugin name's settings out of vars, the WEBMAIL_PLUGIN_*
// variables (full names): keys lower-cased, prefix removed. A variable of
// a longer plugin name sharing the prefix ("a" and "a-b") belongs to the
// longer name when that plugin is registered.
func SettingsOf(name string, vars map[string]string) map[string]string {
	prefix := "WEBMAIL_PLUGIN_" + EnvName(name) + "_"
	out := map[string]string{}
	for k, v := range vars {
		if !strings.HasPrefix(k, prefix) || len(k) == len(prefix) {
			continue
		}
		if owner := ownerOf(k); owner != name {
			continue
		}
		out[strings.ToLower(k[len(prefix):])] = v
	}
	return out
}

// ownerOf is the registered plugin with the longest name whose prefix
// variable starts.
func ownerOf(variable string) string {
	best := ""
	for _, name := range Registered() {
		if strings.HasPrefix(variable, "WEBMAIL_PLUGIN_"+EnvName(name)+"_") && len(name) > len(best) {
			best = name
		}
	}
	return best
}
