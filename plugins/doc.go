// Package plugins is the webmail's plugin API: plugins compiled into the
// binary, registered by name from init() like database/sql drivers, and
// enabled in order by WEBMAIL_PLUGINS=name,name.
//
// A plugin is any value its Factory returns. What it does is found by type
// assertion on small optional interfaces, each with its own contract
// (hooks.go): AfterLogin, BeforeSend, MessageBanner, Routes, Jobs and
// UserSettings. An attachment store is registered with attachments.Register
// instead, and chosen with WEBMAIL_ATTACHMENTS.
//
// A plugin's settings come from WEBMAIL_PLUGIN_<NAME>_<KEY> (environment
// or config file; NAME is the plugin's name upper-cased with '-' as '_').
// They are read through *Config while the factory runs, and every problem
// of every plugin is reported at once when the instance starts.
//
// A plugin never takes the webmail down: Host calls every hook with a
// deadline, recovers a panic, logs it with the plugin's name and counts it
// (webmail_plugin_failures_total{plugin,hook}); a failed hook is treated
// as if the plugin had nothing to say.
package plugins
