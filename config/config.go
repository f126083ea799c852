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

	// DBMaxLag is the replication lag above which a replica is taken out
	// of rotation (WEBMAIL_DB_MAX_LAG); DBSticky how long a browser's reads
	// go to the primary after it changed something (WEBMAIL_DB_STICKY).
	DBMaxLag time.Duration
	DBSticky time.Duration

	SessionStore string        // WEBMAIL_SESSION_STORE: sql, redis or memory
	SessionIdle  time.Duration // WEBMAIL_SESSION_IDLE: a session ends after this long unused
	SessionMax   time.Duration // WEBMAIL_SESSION_MAX: and after this long in any case

	// Redis is one server (WEBMAIL_REDIS: host:port or redis:// URL), a
	// Sentinel-watched primary (WEBMAIL_REDIS_SENTINELS with
	// WEBMAIL_REDIS_MASTER) or a Cluster (WEBMAIL_REDIS_CLUSTER). When any is
	// set, Redis also holds the job lease and the login rate limits.
	Redis          string
	RedisSentinels []string
	RedisMaster    string
	RedisCluster   []string
	RedisPassword  string // WEBMAIL_REDIS_PASSWORD: for Sentinel and Cluster nodes (a URL carries its own)

	Attachments        string            // WEBMAIL_ATTACHMENTS: backend name (fs, s3, sql, ...)
	AttachmentSettings map[string]string // WEBMAIL_ATTACHMENTS_<KEY>: backend settings, keys lower-cased

	// Plugins (WEBMAIL_PLUGINS) are the compiled-in plugins to enable, in
	// order; PluginSettings are the WEBMAIL_PLUGIN_<NAME>_<KEY> variables
	// by full name, read and checked by package plugins.
	Plugins        []string
	PluginSettings map[string]string

	// Secret is the cluster key (WEBMAIL_SECRET) that encrypts mail
	// credentials inside sessions. PreviousSecrets (WEBMAIL_SECRET_PREVIOUS,
	// comma-separated) still decrypt, so the key can be rotated without
	// logging everybody out.
	Secret          string
	PreviousSecrets []string

	TrustedProxies []netip.Prefix // WEBMAIL_TRUSTED_PROXIES: CIDRs whose X-Forwarded-For is believed
	ProxyProtocol  bool           // WEBMAIL_PROXY_PROTOCOL: accept a PROXY protocol header from trusted proxies

	// Login rate limits, shared by every instance: at most LoginLimitUser
	// failed logins per username from one client network and LoginLimitIP
	// per client address within LoginLimitWindow; after LoginLimitSlow
	// failures per username from anywhere, attempts from devices the user
	// has not signed in from are held, up to LoginMaxDelay
	// (WEBMAIL_LOGIN_LIMIT_USER, _IP, _SLOW, _WINDOW, WEBMAIL_LOGIN_MAX_DELAY).
	LoginLimitUser   int
	LoginLimitIP     int
	LoginLimitSlow   int
	LoginMaxDelay    time.Duration
	LoginLimitWindow time.Duration

	Instance string // WEBMAIL_INSTANCE: this instance's name in logs, metrics and the job lease
	// MetricsListen (WEBMAIL_METRICS_LISTEN) is the listener of /metrics
	// and /debug/pprof, never the application's: they tell an attacker the
	// Go version, host name, PID and traffic. "off": none.
	MetricsListen string

	// The front mail hosts' routing service (nginx auth_http and Postfix
	// socketmap) and the provisioning API, each on a private listener of
	// its own; empty = not served.
	RoutingListen     string        // WEBMAIL_ROUTING_LISTEN
	RoutingCheckFirst bool          // WEBMAIL_ROUTING_CHECK_PASSWORDS: check passwords before nginx proxies a login
	RoutingFailWait   time.Duration // WEBMAIL_ROUTING_FAILURE_WAIT: nginx's Auth-Wait after a refused login
	AdminListen       string        // WEBMAIL_ADMIN_LISTEN

	IMAPMaxPerUser  int           // WEBMAIL_IMAP_MAX_PER_USER: IMAP connections per user on one instance
	IMAPIdleTimeout time.Duration // WEBMAIL_IMAP_IDLE_TIMEOUT: pooled IMAP connections unused this long are closed
	IMAPMaxAge      time.Duration // WEBMAIL_IMAP_MAX_AGE: pooled IMAP connections are retired this long after their login

	PageSize        int   // WEBMAIL_PAGE_SIZE: messages per list page
	MaxMessageBytes int64 // WEBMAIL_MAX_MESSAGE_BYTES: largest message the webmail will open
	MaxFormBytes    int64 // WEBMAIL_MAX_FORM_BYTES: largest request body outside the upload routes
	MaxUpload       int64 // WEBMAIL_MAX_UPLOAD: most the attachments of one message may weigh
	// MessageCacheBytes (WEBMAIL_MESSAGE_CACHE) bounds this instance's
	// cache of parsed messages, in bytes; 0 turns it off.
	MessageCacheBytes int64
	// ListCacheBytes (WEBMAIL_LIST_CACHE) bounds this instance's caches of
	// sorted message lists and list lines (half each), in bytes; 0 turns
	// them off.
	ListCacheBytes int64

	// Drain (WEBMAIL_DRAIN) is how long an instance keeps serving after
	// SIGTERM while /readyz answers 503, so the load balancer takes it out
	// of rotation before it stops accepting connections.
	Drain time.Duration

	// SentCopy (WEBMAIL_SENT_COPY) is "append": a sent message is
	// appended to the user's Sent folder; or "skip", for servers that
	// file sent mail themselves.
	SentCopy string
	// ComposeTTL (WEBMAIL_COMPOSE_TTL) is how long a message being
	// written, never sent, is kept after its last change, with its uploads.
	ComposeTTL time.Duration

	LogLevel  string // WEBMAIL_LOG_LEVEL: debug, info, warn, error
	LogFormat string // WEBMAIL_LOG_FORMAT: text or json
}

// Default returns the configuration before any file or environment.
func Default() Config {
	return Config{
		Listen:             "127.0.0.1:8080",
		DataDir:            "data",
		DBMaxLag:           2 * time.Second,
		DBSticky:           5 * time.Second,
		SessionStore:       "sql",
		LoginLimitUser:     10,
		LoginLimitIP:       50,
		LoginLimitSlow:     10,
		LoginMaxDelay:      10 * time.Second,
		LoginLimitWindow:   15 * time.Minute,
		RoutingFailWait:    time.Second,
		SessionIdle:        30 * time.Minute,
		SessionMax:         12 * time.Hour,
		Attachments:        "fs",
		AttachmentSettings: map[string]string{},
		PluginSettings:     map[string]string{},
		IMAPMaxPerUser:     4,
		IMAPIdleTimeout:    5 * time.Minute,
		IMAPMaxAge:         10 * time.Minute,
		PageSize:           50,
		MaxMessageBytes:    50 << 20,
		MaxFormBytes:       1 << 20,
		MetricsListen:      DefaultMetricsListen,
		MaxUpload:          25 << 20,
		MessageCacheBytes:  64 << 20,
		ListCacheBytes:     96 << 20,
		Drain:              5 * time.Second,
		SentCopy:           "append",
		ComposeTTL:         7 * 24 * time.Hour,
		LogLevel:           "info",
		LogFormat:          "text",
	}
}

// DefaultMetricsListen is where /metrics and /debug/pprof are served unless
// WEBMAIL_METRICS_LISTEN says otherwise: loopback, so nothing but the host
// itself (or a Prometheus an admin points at another address) reaches them.
const DefaultMetricsListen = "127.0.0.1:9180"

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
		{"WEBMAIL_IMAP", "IMAP server: imap://host:143, imap+starttls://host:143 or imaps://host:993; %d is replaced by the login's domain, %u by its local part (imaps://imap.%d:993); `webmail domain add` overrides it per domain"},
		{"WEBMAIL_SMTP", "SMTP server: smtp://host:25, smtp+starttls://host:587 or smtps://host:465; %d and %u as in WEBMAIL_IMAP"},
		{"WEBMAIL_DB_WRITE", "primary database DSN (MySQL/MariaDB, go-sql-driver format); unset = SQLite in WEBMAIL_DATA"},
		{"WEBMAIL_DB_READ", "comma-separated read replica DSNs; unset = reads go to the primary"},
		{"WEBMAIL_DB_MAX_LAG", "a replica lagging more than this (measured by the heartbeat row) is out of rotation until it catches up (default 2s)"},
		{"WEBMAIL_DB_STICKY", "after a browser changes something, its reads go to the primary for this long (default 5s)"},
		{"WEBMAIL_SESSION_STORE", "where sessions live: sql (default), redis or memory (single instance only)"},
		{"WEBMAIL_REDIS", "one Redis server: host:port or URL (redis://[:password@]host:port/db); any WEBMAIL_REDIS* also moves the job lease and login rate limits to Redis"},
		{"WEBMAIL_REDIS_SENTINELS", "comma-separated Sentinel addresses (host:26379); use with WEBMAIL_REDIS_MASTER instead of WEBMAIL_REDIS"},
		{"WEBMAIL_REDIS_MASTER", "the name the Sentinels know the Redis primary by"},
		{"WEBMAIL_REDIS_CLUSTER", "comma-separated Redis Cluster node addresses (host:7000), instead of WEBMAIL_REDIS"},
		{"WEBMAIL_REDIS_PASSWORD", "password for Redis through Sentinel or Cluster (a WEBMAIL_REDIS URL carries its own)"},
		{"WEBMAIL_SESSION_IDLE", "idle timeout of a session, Go duration (default 30m)"},
		{"WEBMAIL_SESSION_MAX", "absolute lifetime of a session (default 12h)"},
		{"WEBMAIL_ATTACHMENTS", "attachment store backend: fs (default), s3, sql, or a plugin's name"},
		{"WEBMAIL_ATTACHMENTS_*", "backend settings, e.g. WEBMAIL_ATTACHMENTS_DIR (fs); WEBMAIL_ATTACHMENTS_ENDPOINT, _BUCKET, _ACCESS_KEY, _SECRET_KEY, _REGION, _SECURE (s3)"},
		{"WEBMAIL_SECRET", "cluster key encrypting credentials in sessions (at least 32 characters); every instance must share it; required by serve"},
		{"WEBMAIL_SECRET_PREVIOUS", "comma-separated former secrets still accepted for decryption (key rotation)"},
		{"WEBMAIL_TRUSTED_PROXIES", "comma-separated CIDRs of proxies whose X-Forwarded-For and X-Forwarded-Proto are trusted (reloaded on SIGHUP)"},
		{"WEBMAIL_PROXY_PROTOCOL", "true: accept a PROXY protocol v1/v2 header (HAProxy send-proxy) on the listener, from trusted proxies only (default false)"},
		{"WEBMAIL_LOGIN_LIMIT_USER", "failed logins allowed per username from one client network (IPv4 /24, IPv6 /48) within the window, all instances together; that network is then refused for that user (default 10; reloaded on SIGHUP)"},
		{"WEBMAIL_LOGIN_LIMIT_SLOW", "failed logins per username from anywhere within the window after which attempts from devices the user has not signed in from are held, 0.5s doubling up to WEBMAIL_LOGIN_MAX_DELAY (default 10; 0: never; reloaded on SIGHUP)"},
		{"WEBMAIL_LOGIN_MAX_DELAY", "the longest such hold (default 10s; reloaded on SIGHUP)"},
		{"WEBMAIL_LOGIN_LIMIT_IP", "failed logins allowed per client address (IPv6: per /64) within the window (default 50; reloaded on SIGHUP)"},
		{"WEBMAIL_LOGIN_LIMIT_WINDOW", "the sliding window of the login limits (default 15m; reloaded on SIGHUP)"},
		{"WEBMAIL_INSTANCE", "this instance's name in logs, metrics and the job lease (default host-pid)"},
		{"WEBMAIL_METRICS_LISTEN", "listener of /metrics and /debug/pprof, never served on WEBMAIL_LISTEN (default 127.0.0.1:9180; a private address for a remote Prometheus; off = none)"},
		{"WEBMAIL_ROUTING_LISTEN", "private address of the routing service for the front mail hosts (nginx mail auth_http at /auth, Postfix socketmap); unset = off; never the public address"},
		{"WEBMAIL_ROUTING_CHECK_PASSWORDS", "true: check IMAP/POP3 passwords before nginx proxies the login (default false: the backend answers; SMTP is always checked)"},
		{"WEBMAIL_ROUTING_FAILURE_WAIT", "delay nginx puts before a refused mail login's answer (Auth-Wait, default 1s)"},
		{"WEBMAIL_ADMIN_LISTEN", "private address of the provisioning API (JSON, admin tokens; OpenAPI at /v1/openapi.json); unset = off"},
		{"WEBMAIL_IMAP_MAX_PER_USER", "IMAP connections one user may hold on one instance (default 4; keep instances × this under the server's per-user limit, Dovecot: 10)"},
		{"WEBMAIL_IMAP_IDLE_TIMEOUT", "close pooled IMAP connections unused this long (default 5m)"},
		{"WEBMAIL_IMAP_MAX_AGE", "retire pooled IMAP connections this long after their login, so a password changed on the mail server ends the sessions using the old one (default 10m)"},
		{"WEBMAIL_PAGE_SIZE", "messages per list page (default 50)"},
		{"WEBMAIL_MAX_MESSAGE_BYTES", "largest message the webmail opens (default 52428800)"},
		{"WEBMAIL_MAX_FORM_BYTES", "largest request body, refused with 413 before it is read; upload routes have their own limit (default 1048576)"},
		{"WEBMAIL_MAX_UPLOAD", "most the attachments of one message may weigh altogether, in bytes or with a KiB, MiB or GiB suffix (default 25MiB; 1MiB to 4GiB); less when the SMTP server advertises a smaller SIZE"},
		{"WEBMAIL_MESSAGE_CACHE", "how much parsed mail each instance keeps so a message's body and parts reuse what its page fetched, in bytes or with a KiB, MiB or GiB suffix (default 64MiB; 0 turns the cache off)"},
		{"WEBMAIL_LIST_CACHE", "how much of the message lists each instance keeps (the sorted order of folders and the lines of messages, half each) so a list page asks the mail server only for what changed, in bytes or with a KiB, MiB or GiB suffix (default 96MiB; 0 turns the caches off)"},
		{"WEBMAIL_DRAIN", "after SIGTERM, keep serving this long with /readyz at 503 before shutting down (default 5s; longer than the load balancer needs to mark the instance down)"},
		{"WEBMAIL_SENT_COPY", "append (default): a sent message is appended to the user's Sent folder; skip: for mail servers that file sent mail themselves"},
		{"WEBMAIL_COMPOSE_TTL", "messages being written and never sent are deleted, with their uploads, this long after their last change (default 168h)"},
		{"WEBMAIL_PLUGINS", "compiled-in plugins to enable, comma-separated, in the order their hooks run (see PLUGINS.md)"},
		{"WEBMAIL_PLUGIN_*", "plugin settings, WEBMAIL_PLUGIN_<NAME>_<KEY> (NAME upper-cased, dashes as underscores); unknown ones are refused at start"},
		{"WEBMAIL_LOG_LEVEL", "debug, info (default), warn or error (reloaded on SIGHUP)"},
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
	boolean := func(name string, dst *bool) {
		if v, ok := vars[name]; ok && v != "" {
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %q is not true or false", name, v))
				return
			}
			*dst = b
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
	dur("WEBMAIL_DB_MAX_LAG", &c.DBMaxLag)
	dur("WEBMAIL_DB_STICKY", &c.DBSticky)
	str("WEBMAIL_SESSION_STORE", &c.SessionStore)
	str("WEBMAIL_REDIS", &c.Redis)
	list("WEBMAIL_REDIS_SENTINELS", &c.RedisSentinels)
	str("WEBMAIL_REDIS_MASTER", &c.RedisMaster)
	list("WEBMAIL_REDIS_CLUSTER", &c.RedisCluster)
	if v, ok := vars["WEBMAIL_REDIS_PASSWORD"]; ok {
		c.RedisPassword = v // a secret: used byte for byte
	}
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
	boolean("WEBMAIL_PROXY_PROTOCOL", &c.ProxyProtocol)
	limitUser, limitIP, limitSlow := int64(c.LoginLimitUser), int64(c.LoginLimitIP), int64(c.LoginLimitSlow)
	integer("WEBMAIL_LOGIN_LIMIT_USER", &limitUser)
	integer("WEBMAIL_LOGIN_LIMIT_IP", &limitIP)
	// 0 is documented as "never slow down", so it is the one limit that
	// may be zero.
	if v, ok := vars["WEBMAIL_LOGIN_LIMIT_SLOW"]; ok && v == "0" {
		limitSlow = 0
	} else {
		integer("WEBMAIL_LOGIN_LIMIT_SLOW", &limitSlow)
	}
	c.LoginLimitUser, c.LoginLimitIP, c.LoginLimitSlow = int(limitUser), int(limitIP), int(limitSlow)
	dur("WEBMAIL_LOGIN_MAX_DELAY", &c.LoginMaxDelay)
	dur("WEBMAIL_LOGIN_LIMIT_WINDOW", &c.LoginLimitWindow)
	str("WEBMAIL_INSTANCE", &c.Instance)
	str("WEBMAIL_METRICS_LISTEN", &c.MetricsListen)
	str("WEBMAIL_ROUTING_LISTEN", &c.RoutingListen)
	boolean("WEBMAIL_ROUTING_CHECK_PASSWORDS", &c.RoutingCheckFirst)
	dur("WEBMAIL_ROUTING_FAILURE_WAIT", &c.RoutingFailWait)
	str("WEBMAIL_ADMIN_LISTEN", &c.AdminListen)
	dur("WEBMAIL_IMAP_IDLE_TIMEOUT", &c.IMAPIdleTimeout)
	dur("WEBMAIL_IMAP_MAX_AGE", &c.IMAPMaxAge)
	maxPerUser := int64(c.IMAPMaxPerUser)
	integer("WEBMAIL_IMAP_MAX_PER_USER", &maxPerUser)
	c.IMAPMaxPerUser = int(maxPerUser)
	pageSize := int64(c.PageSize)
	integer("WEBMAIL_PAGE_SIZE", &pageSize)
	c.PageSize = int(pageSize)
	integer("WEBMAIL_MAX_MESSAGE_BYTES", &c.MaxMessageBytes)
	integer("WEBMAIL_MAX_FORM_BYTES", &c.MaxFormBytes)
	if v, ok := vars["WEBMAIL_MAX_UPLOAD"]; ok && v != "" {
		n, err := parseSize(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("WEBMAIL_MAX_UPLOAD: %q is not a size like 25MiB or 26214400", v))
		} else {
			c.MaxUpload = n
		}
	}
	cacheSize := func(name, example string, into *int64) {
		v, ok := vars[name]
		if !ok || v == "" {
			return
		}
		// Unlike the other sizes, 0 is meaningful: no cache.
		n, err := int64(0), error(nil)
		if strings.TrimSpace(v) != "0" {
			n, err = parseSize(v)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a size like %s (0 turns the cache off)", name, v, example))
		} else {
			*into = n
		}
	}
	cacheSize("WEBMAIL_MESSAGE_CACHE", "64MiB or 67108864", &c.MessageCacheBytes)
	cacheSize("WEBMAIL_LIST_CACHE", "96MiB or 100663296", &c.ListCacheBytes)
	dur("WEBMAIL_DRAIN", &c.Drain)
	str("WEBMAIL_SENT_COPY", &c.SentCopy)
	dur("WEBMAIL_COMPOSE_TTL", &c.ComposeTTL)
	str("WEBMAIL_LOG_LEVEL", &c.LogLevel)
	str("WEBMAIL_LOG_FORMAT", &c.LogFormat)

	list("WEBMAIL_PLUGINS", &c.Plugins)
	const pluginPrefix = "WEBMAIL_PLUGIN_"
	for k, v := range vars {
		if strings.HasPrefix(k, pluginPrefix) && len(k) > len(pluginPrefix) {
			c.PluginSettings[k] = v
		}
	}
	const attPrefix = "WEBMAIL_ATTACHMENTS_"
	for k, v := range vars {
		if strings.HasPrefix(k, attPrefix) && len(k) > len(attPrefix) {
			c.AttachmentSettings[strings.ToLower(k[len(attPrefix):])] = v
		}
	}
	return c, errors.Join(errs...)
}

// The bounds of WEBMAIL_MAX_UPLOAD: below a megabyte hardly any file
// fits; above a few gigabytes no mail server takes the message.
const (
	MinMaxUpload = 1 << 20
	MaxMaxUpload = 4 << 30
)

// parseSize reads a byte count: digits, optionally followed by KiB, MiB
// or GiB (or K, M, G, with or without a B, all binary).
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	digits := strings.TrimRightFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	unit := strings.ToUpper(strings.TrimSpace(s[len(digits):]))
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("config: size %q: not a positive number", s)
	}
	shifts := map[string]uint{"": 0, "B": 0, "K": 10, "KB": 10, "KIB": 10, "M": 20, "MB": 20, "MIB": 20, "G": 30, "GB": 30, "GIB": 30}
	shift, ok := shifts[unit]
	if !ok || n > (1<<62)>>shift {
		return 0, fmt.Errorf("config: size %q: unknown unit or too large", s)
	}
	return n << shift, nil
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
	// A replica may serve reads until a check sees it over the lag bound;
	// checks and heartbeats run every second, hence the 2 s margin.
	if c.DBSticky < c.DBMaxLag+2*time.Second {
		errs = append(errs, fmt.Errorf("WEBMAIL_DB_STICKY (%s) must be at least WEBMAIL_DB_MAX_LAG (%s) + 2s, or a user may read a replica that has not seen their change", c.DBSticky, c.DBMaxLag))
	}
	if strings.ContainsRune(c.Secret, ',') || strings.TrimSpace(c.Secret) != c.Secret {
		// It could not later move into the comma-separated, trimmed
		// WEBMAIL_SECRET_PREVIOUS, so rotating it would sign everyone out.
		errs = append(errs, errors.New("WEBMAIL_SECRET must not contain commas or start or end with spaces"))
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
	redisModes := 0
	for _, set := range []bool{c.Redis != "", len(c.RedisSentinels) > 0, len(c.RedisCluster) > 0} {
		if set {
			redisModes++
		}
	}
	if redisModes > 1 {
		errs = append(errs, errors.New("set only one of WEBMAIL_REDIS, WEBMAIL_REDIS_SENTINELS and WEBMAIL_REDIS_CLUSTER"))
	}
	if len(c.RedisSentinels) > 0 && c.RedisMaster == "" {
		errs = append(errs, errors.New("WEBMAIL_REDIS_SENTINELS needs WEBMAIL_REDIS_MASTER, the name the Sentinels monitor"))
	}
	if c.RedisMaster != "" && len(c.RedisSentinels) == 0 {
		errs = append(errs, errors.New("WEBMAIL_REDIS_MASTER is set without WEBMAIL_REDIS_SENTINELS"))
	}
	switch c.SessionStore {
	case "sql", "memory":
	case "redis":
		if !c.HasRedis() {
			errs = append(errs, errors.New("WEBMAIL_SESSION_STORE=redis needs WEBMAIL_REDIS, WEBMAIL_REDIS_SENTINELS or WEBMAIL_REDIS_CLUSTER"))
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
	switch {
	case c.MetricsListen == "":
		// It once meant "on the main listener", which is no more.
		errs = append(errs, fmt.Errorf("WEBMAIL_METRICS_LISTEN is empty: give the address of the metrics listener (default %s) or off; metrics are never served on WEBMAIL_LISTEN", DefaultMetricsListen))
	case c.MetricsListen != "off" && c.MetricsListen == c.Listen:
		errs = append(errs, errors.New("WEBMAIL_METRICS_LISTEN is the same address as WEBMAIL_LISTEN: metrics need a listener of their own"))
	}
	if c.MaxFormBytes < 4<<10 {
		errs = append(errs, errors.New("WEBMAIL_MAX_FORM_BYTES: at least 4096 (a form with a long search or many selected messages)"))
	}
	if c.MaxUpload < MinMaxUpload || c.MaxUpload > MaxMaxUpload {
		errs = append(errs, fmt.Errorf("WEBMAIL_MAX_UPLOAD: %d bytes is outside 1MiB to 4GiB", c.MaxUpload))
	}
	if c.SentCopy != "append" && c.SentCopy != "skip" {
		errs = append(errs, fmt.Errorf("WEBMAIL_SENT_COPY: %q is not append or skip", c.SentCopy))
	}
	if c.ComposeTTL < time.Hour {
		errs = append(errs, errors.New("WEBMAIL_COMPOSE_TTL: at least 1h (a message being written must outlive a lunch break)"))
	}
	if c.LoginMaxDelay > time.Minute {
		errs = append(errs, errors.New("WEBMAIL_LOGIN_MAX_DELAY: at most 1m (a held login keeps its request open)"))
	}
	for _, l := range []struct{ name, addr string }{{"WEBMAIL_ROUTING_LISTEN", c.RoutingListen}, {"WEBMAIL_ADMIN_LISTEN", c.AdminListen}} {
		if l.addr != "" && (l.addr == c.Listen || l.addr == c.MetricsListen) {
			errs = append(errs, fmt.Errorf("%s must be a private address of its own, not WEBMAIL_LISTEN's or WEBMAIL_METRICS_LISTEN's", l.name))
		}
	}
	if c.RoutingListen != "" && c.RoutingListen == c.AdminListen {
		errs = append(errs, errors.New("WEBMAIL_ROUTING_LISTEN and WEBMAIL_ADMIN_LISTEN must differ"))
	}
	if c.LoginLimitWindow > 24*time.Hour {
		errs = append(errs, errors.New("WEBMAIL_LOGIN_LIMIT_WINDOW: at most 24h"))
	}
	if c.ProxyProtocol && len(c.TrustedProxies) == 0 {
		errs = append(errs, errors.New("WEBMAIL_PROXY_PROTOCOL=true needs WEBMAIL_TRUSTED_PROXIES: a PROXY header is accepted only from them"))
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

// HasRedis reports whether any Redis deployment is configured.
func (c Config) HasRedis() bool {
	return c.Redis != "" || len(c.RedisSentinels) > 0 || len(c.RedisCluster) > 0
}
