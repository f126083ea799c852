// Package config holds the one typed configuration of a webmail instance.
//
// Values come from defaults, then an optional file (WEBMAIL_CONFIG, lines of
// KEY=value), then the WEBMAIL_* environment. The variable names are a
// contract admins and scripts rely on: keep them stable.
package config

import (
	"bufio"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is everything an instance needs to run. Every instance of a cluster
// must share the same Secret, database, session store and attachment store.
type Config struct {
	Listen  string // WEBMAIL_LISTEN: the HTTP listen address
	DataDir string // WEBMAIL_DATA: directory for the embedded defaults (SQLite, files)

	IMAP string // WEBMAIL_IMAP: imap://, imap+starttls:// or imaps:// URL
	SMTP string // WEBMAIL_SMTP: smtp://, smtp+starttls:// or smtps:// URL

	DBWrite string   // WEBMAIL_DB_WRITE: primary DSN (MySQL/MariaDB); empty = SQLite in DataDir
	DBRead  []string // WEBMAIL_DB_READ: comma-separated replica DSNs

	SessionStore string        // WEBMAIL_SESSION_STORE: sql, redis or memory
	Redis        string        // WEBMAIL_REDIS: host:port or redis:// URL
	SessionIdle  time.Duration // WEBMAIL_SESSION_IDLE: a session ends after this long unused
	SessionMax   time.Duration // WEBMAIL_SESSION_MAX: and after this long in any case

	Attachments        string            // WEBMAIL_ATTACHMENTS: backend name (fs, s3, sql, ...)
	AttachmentSettings map[string]string // WEBMAIL_ATTACHMENTS_<KEY>: backend settings, keys lower-cased

	// Secret is the cluster key (WEBMAIL_SECRET) that encrypts mail
	// credentials inside sessions. PreviousSecrets (WEBMAIL_SECRET_PREVIOUS,
	// comma-separated) still decrypt, so the key can be rotated without
	// logging everybody out.
	Secret          string
	PreviousSecrets []string

	TrustedProxies []netip.Prefix // WEBMAIL_TRUSTED_PROXIES: CIDRs whose X-Forwarded-For is believed

	IMAPMaxPerUser  int           // WEBMAIL_IMAP_MAX_PER_USER: IMAP connections per user on one instance
	IMAPIdleTimeout time.Duration // WEBMAIL_IMAP_IDLE_TIMEOUT: pooled IMAP connections unused this long are closed

	PageSize        int   // WEBMAIL_PAGE_SIZE: messages per list page
	MaxMessageBytes int64 // WEBMAIL_MAX_MESSAGE_BYTES: largest message the webmail will open

	LogLevel  string // WEBMAIL_LOG_LEVEL: debug, info, warn, error
	LogFormat string // WEBMAIL_LOG_FORMAT: text or json
}

// Default returns the configuration before any file or environment.
func Default() Config {
	return Config{
		Listen:             "127.0.0.1:8080",
		DataDir:            "data",
		SessionStore:       "sql",
		SessionIdle:        30 * time.Minute,
		SessionMax:         12 * time.Hour,
		Attachments:        "fs",
		AttachmentSettings: map[string]string{},
		IMAPMaxPerUser:     4,
		IMAPIdleTimeout:    5 * time.Minute,
		PageSize:           50,
		MaxMessageBytes:    50 << 20,
		LogLevel:           "info",
		LogFormat:          "text",
	}
}

// Variable documents one WEBMAIL_* variable for --help.
type Variable struct {
	Name, Help string
}

// Variables lists every variable Load reads, for --help output.
func Variables() []Variable {
	return []Variable{
		{"WEBMAIL_CONFIG", "optional file of KEY=value lines read before the environment"},
		{"WEBMAIL_LISTEN", "HTTP listen address (default 127.0.0.1:8080)"},
		{"WEBMAIL_DATA", "directory for the embedded defaults: SQLite file, attachment files (default ./data)"},
		{"WEBMAIL_IMAP", "IMAP server: imap://host:143, imap+starttls://host:143 or imaps://host:993"},
		{"WEBMAIL_SMTP", "SMTP server: smtp://host:25, smtp+starttls://host:587 or smtps://host:465"},
		{"WEBMAIL_DB_WRITE", "primary database DSN (MySQL/MariaDB, go-sql-driver format); unset = SQLite in WEBMAIL_DATA"},
		{"WEBMAIL_DB_READ", "comma-separated read replica DSNs; unset = reads go to the primary"},
		{"WEBMAIL_SESSION_STORE", "where sessions live: sql (default), redis or memory (single instance only)"},
		{"WEBMAIL_REDIS", "Redis address (host:port) or URL (redis://[:password@]host:port/db), for WEBMAIL_SESSION_STORE=redis"},
		{"WEBMAIL_SESSION_IDLE", "idle timeout of a session, Go duration (default 30m)"},
		{"WEBMAIL_SESSION_MAX", "absolute lifetime of a session (default 12h)"},
		{"WEBMAIL_ATTACHMENTS", "attachment store backend: fs (default), s3, sql, or a plugin's name"},
		{"WEBMAIL_ATTACHMENTS_*", "backend settings, e.g. WEBMAIL_ATTACHMENTS_DIR (fs); WEBMAIL_ATTACHMENTS_ENDPOINT, _BUCKET, _ACCESS_KEY, _SECRET_KEY, _REGION, _SECURE (s3)"},
		{"WEBMAIL_SECRET", "cluster key encrypting credentials in sessions (at least 32 characters); every instance must share it; required by serve"},
		{"WEBMAIL_SECRET_PREVIOUS", "comma-separated former secrets still accepted for decryption (key rotation)"},
		{"WEBMAIL_TRUSTED_PROXIES", "comma-separated CIDRs of proxies whose X-Forwarded-For and X-Forwarded-Proto are trusted"},
		{"WEBMAIL_IMAP_MAX_PER_USER", "IMAP connections one user may hold on one instance (default 4; keep instances × this under the server's per-user limit, Dovecot: 10)"},
		{"WEBMAIL_IMAP_IDLE_TIMEOUT", "close pooled IMAP connections unused this long (default 5m)"},
		{"WEBMAIL_PAGE_SIZE", "messages per list page (default 50)"},
		{"WEBMAIL_MAX_MESSAGE_BYTES", "largest message the webmail opens (default 52428800)"},
		{"WEBMAIL_LOG_LEVEL", "debug, info (default), warn or error"},
		{"WEBMAIL_LOG_FORMAT", "text (default) or json"},
	}
}

// Load builds the configuration from defaults, the optional WEBMAIL_CONFIG
// file and the environment given by getenv/environ (os.Getenv and os.Environ
// in production). It does not validate: call Validate.
func Load(getenv func(string) string, environ []string) (Config, error) {
	vars := map[string]string{}
	if path := getenv("WEBMAIL_CONFIG"); path != "" {
		fileVars, err := readFile(path)
		if err != nil {
			return Config{}, err
		}
		for k, v := range fileVars {
			vars[k] = v
		}
	}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(k, "WEBMAIL_") {
			vars[k] = v
		}
	}
	return fromVars(vars)
}

func readFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		k, v, ok := strings.Cut(text, "=")
		k = strings.TrimSpace(k)
		if !ok || !strings.HasPrefix(k, "WEBMAIL_") {
			return nil, fmt.Errorf("config: %s:%d: want WEBMAIL_NAME=value", path, line)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
			v = v[1 : len(v)-1]
		}
		vars[k] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	return vars, nil
}

func fromVars(vars map[string]string) (Config, error) {
	c := Default()
	var errs []error
	str := func(name string, dst *string) {
		if v, ok := vars[name]; ok {
			*dst = strings.TrimSpace(v)
		}
	}
	list := func(name string, dst *[]string) {
		if v, ok := vars[name]; ok {
			*dst = splitList(v)
		}
	}
	dur := func(name string, dst *time.Duration) {
		if v, ok := vars[name]; ok && v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				errs = append(errs, fmt.Errorf("%s: %q is not a positive duration like 30m", name, v))
				return
			}
			*dst = d
		}
	}
	integer := func(name string, dst *int64) {
		if v, ok := vars[name]; ok && v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				errs = append(errs, fmt.Errorf("%s: %q is not a positive number", name, v))
				return
			}
			*dst = n
		}
	}
	str("WEBMAIL_LISTEN", &c.Listen)
	str("WEBMAIL_DATA", &c.DataDir)
	str("WEBMAIL_IMAP", &c.IMAP)
	str("WEBMAIL_SMTP", &c.SMTP)
	str("WEBMAIL_DB_WRITE", &c.DBWrite)
	list("WEBMAIL_DB_READ", &c.DBRead)
	str("WEBMAIL_SESSION_STORE", &c.SessionStore)
	str("WEBMAIL_REDIS", &c.Redis)
	dur("WEBMAIL_SESSION_IDLE", &c.SessionIdle)
	dur("WEBMAIL_SESSION_MAX", &c.SessionMax)
	str("WEBMAIL_ATTACHMENTS", &c.Attachments)
	if v, ok := vars["WEBMAIL_SECRET"]; ok {
		c.Secret = v // not trimmed: a secret is used byte for byte
	}
	list("WEBMAIL_SECRET_PREVIOUS", &c.PreviousSecrets)
	var proxies []string
	list("WEBMAIL_TRUSTED_PROXIES", &proxies)
	for _, p := range proxies {
		prefix, err := parsePrefix(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("WEBMAIL_TRUSTED_PROXIES: %q is not an address or CIDR", p))
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, prefix)
	}
	dur("WEBMAIL_IMAP_IDLE_TIMEOUT", &c.IMAPIdleTimeout)
	maxPerUser := int64(c.IMAPMaxPerUser)
	integer("WEBMAIL_IMAP_MAX_PER_USER", &maxPerUser)
	c.IMAPMaxPerUser = int(maxPerUser)
	pageSize := int64(c.PageSize)
	integer("WEBMAIL_PAGE_SIZE", &pageSize)
	c.PageSize = int(pageSize)
	integer("WEBMAIL_MAX_MESSAGE_BYTES", &c.MaxMessageBytes)
	str("WEBMAIL_LOG_LEVEL", &c.LogLevel)
	str("WEBMAIL_LOG_FORMAT", &c.LogFormat)

	const attPrefix = "WEBMAIL_ATTACHMENTS_"
	for k, v := range vars {
		if strings.HasPrefix(k, attPrefix) && len(k) > len(attPrefix) {
			c.AttachmentSettings[strings.ToLower(k[len(attPrefix):])] = v
		}
	}
	return c, errors.Join(errs...)
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(addr, addr.BitLen()), nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// MinSecretLength is the shortest WEBMAIL_SECRET accepted.
const MinSecretLength = 32

// Validate reports every problem at once, for a configuration that is to
// serve real users. Secrets never appear in the messages.
func (c Config) Validate() error {
	var errs []error
	if c.Listen == "" {
		errs = append(errs, errors.New("WEBMAIL_LISTEN is empty"))
	}
	if c.IMAP == "" {
		errs = append(errs, errors.New("WEBMAIL_IMAP is not set (for example imaps://mail.example.com:993)"))
	}
	if c.SMTP == "" {
		errs = append(errs, errors.New("WEBMAIL_SMTP is not set (for example smtp+starttls://mail.example.com:587)"))
	}
	if c.Secret == "" {
		errs = append(errs, errors.New("WEBMAIL_SECRET is not set: generate one with `openssl rand -base64 48` and give every instance the same value"))
	} else if len(c.Secret) < MinSecretLength {
		errs = append(errs, fmt.Errorf("WEBMAIL_SECRET is too short: at least %d characters", MinSecretLength))
	}
	for i, s := range c.PreviousSecrets {
		if len(s) < MinSecretLength {
			errs = append(errs, fmt.Errorf("WEBMAIL_SECRET_PREVIOUS entry %d is too short", i+1))
		}
	}
	if c.DBWrite == "" && len(c.DBRead) > 0 {
		errs = append(errs, errors.New("WEBMAIL_DB_READ is set without WEBMAIL_DB_WRITE"))
	}
	if c.DBWrite == "" && c.DataDir == "" {
		errs = append(errs, errors.New("WEBMAIL_DATA is empty and no WEBMAIL_DB_WRITE is set"))
	}
	switch c.SessionStore {
	case "sql", "memory":
	case "redis":
		if c.Redis == "" {
			errs = append(errs, errors.New("WEBMAIL_SESSION_STORE=redis needs WEBMAIL_REDIS"))
		}
	default:
		errs = append(errs, fmt.Errorf("WEBMAIL_SESSION_STORE: %q is not one of sql, redis, memory", c.SessionStore))
	}
	if c.Attachments == "" {
		errs = append(errs, errors.New("WEBMAIL_ATTACHMENTS is empty"))
	}
	if c.SessionMax < c.SessionIdle {
		errs = append(errs, errors.New("WEBMAIL_SESSION_MAX is shorter than WEBMAIL_SESSION_IDLE"))
	}
	if c.PageSize > 500 {
		errs = append(errs, errors.New("WEBMAIL_PAGE_SIZE: at most 500"))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("WEBMAIL_LOG_LEVEL: %q is not one of debug, info, warn, error", c.LogLevel))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("WEBMAIL_LOG_FORMAT: %q is not text or json", c.LogFormat))
	}
	return errors.Join(errs...)
}

// SettingKeys returns the attachment setting keys in order, for logging
// which settings are present without their values.
func (c Config) SettingKeys() []string {
	keys := make([]string, 0, len(c.AttachmentSettings))
	for k := range c.AttachmentSettings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
