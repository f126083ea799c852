package webmailcmd

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"reflect"
	"slices"
	"syscall"

	"github.com/webmail/webmail/config"
	"github.com/webmail/webmail/handlers"
)

// SIGHUP re-reads the configuration (environment and WEBMAIL_CONFIG file)
// and applies what can change under running requests: the log level, the
// login limits, the trusted proxies, the IMAP/SMTP templates, and the
// domain routes (read again from the database). Everything else is logged
// as needing a restart; the running value stays.

// levelHandler keeps the logger's level variable reachable, so a reload
// can change the level of every logger derived from it.
type levelHandler struct {
	slog.Handler
	level *slog.LevelVar
}

func (h levelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return levelHandler{h.Handler.WithAttrs(attrs), h.level}
}

func (h levelHandler) WithGroup(name string) slog.Handler {
	return levelHandler{h.Handler.WithGroup(name), h.level}
}

// newLogger returns the process logger: text or JSON at cfg's level, with
// the request ID on every line logged with a request's context.
func newLogger(cfg config.Config, w *os.File) *slog.Logger {
	level := new(slog.LevelVar)
	level.Set(parseLevel(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(levelHandler{handlers.LogHandler(h), level})
}

func parseLevel(s string) slog.Level {
	var level slog.Level
	level.UnmarshalText([]byte(s))
	return level
}

// logLevel returns the level variable of a logger made by newLogger, or
// nil.
func logLevel(logger *slog.Logger) *slog.LevelVar {
	if h, ok := logger.Handler().(levelHandler); ok {
		return h.level
	}
	return nil
}

// catchHangups delivers SIGHUP to the returned channel from now until the
// process exits. It is never stopped: once no channel wants SIGHUP, Go
// restores its default action, which ends the process, and a SIGHUP sent
// to every instance (a configuration push during a rolling restart) would
// kill one that is starting or draining. One signal waits in the buffer
// for the reload watcher; more while it is busy are merged.
func catchHangups() chan os.Signal {
	hangups := make(chan os.Signal, 1)
	signal.Notify(hangups, syscall.SIGHUP)
	return hangups
}

// watchReload applies the configuration again on every SIGHUP until ctx
// ends.
func (a *app) watchReload(ctx context.Context, domainsReload chan<- struct{}) {
	current := a.cfg
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.hangups:
		}
		next, err := loadConfig()
		if err == nil {
			err = next.Validate()
		}
		if err != nil {
			a.logger.Error("reload: configuration refused; nothing changed", "err", err)
			continue
		}
		current = a.applyConfig(current, next)
		select {
		case domainsReload <- struct{}{}:
		default:
		}
	}
}

// applyConfig applies what may change at run time from next and returns
// the configuration now in force: next's reloadable values, old's others.
func (a *app) applyConfig(old, next config.Config) config.Config {
	var applied []string
	inForce := old
	if next.LogLevel != old.LogLevel {
		if level := logLevel(a.logger); level != nil {
			level.Set(parseLevel(next.LogLevel))
			applied = append(applied, "WEBMAIL_LOG_LEVEL")
			inForce.LogLevel = next.LogLevel
		}
	}
	if next.LoginLimitUser != old.LoginLimitUser || next.LoginLimitIP != old.LoginLimitIP || next.LoginLimitWindow != old.LoginLimitWindow ||
		next.LoginLimitSlow != old.LoginLimitSlow || next.LoginMaxDelay != old.LoginMaxDelay {
		a.core.SetLoginLimits(loginLimits(next))
		applied = append(applied, "WEBMAIL_LOGIN_LIMIT_*")
		inForce.LoginLimitUser, inForce.LoginLimitIP, inForce.LoginLimitWindow = next.LoginLimitUser, next.LoginLimitIP, next.LoginLimitWindow
		inForce.LoginLimitSlow, inForce.LoginMaxDelay = next.LoginLimitSlow, next.LoginMaxDelay
	}
	if !slices.Equal(next.TrustedProxies, old.TrustedProxies) {
		a.server.SetTrustedProxies(next.TrustedProxies)
		a.proxies.Store(&next.TrustedProxies)
		applied = append(applied, "WEBMAIL_TRUSTED_PROXIES")
		inForce.TrustedProxies = next.TrustedProxies
	}
	if next.IMAP != old.IMAP || next.SMTP != old.SMTP {
		if err := a.router.SetTemplates(next.IMAP, next.SMTP); err != nil {
			a.logger.Error("reload: WEBMAIL_IMAP/WEBMAIL_SMTP refused", "err", err)
		} else {
			applied = append(applied, "WEBMAIL_IMAP", "WEBMAIL_SMTP")
			inForce.IMAP, inForce.SMTP = next.IMAP, next.SMTP
		}
	}
	restart := needsRestart(inForce, next)
	a.logger.Info("configuration reloaded; domain routes re-read", "applied", applied, "needs_restart", restart)
	if len(restart) > 0 {
		a.logger.Warn("reload: these settings changed but apply only after a restart", "variables", restart)
	}
	return inForce
}

// needsRestart names the variables whose value differs between the
// configuration in force and the new one. Only names: some are secrets.
func needsRestart(inForce, next config.Config) []string {
	fields := []struct {
		name string
		a, b any
	}{
		{"WEBMAIL_LISTEN", inForce.Listen, next.Listen},
		{"WEBMAIL_DATA", inForce.DataDir, next.DataDir},
		{"WEBMAIL_DB_WRITE", inForce.DBWrite, next.DBWrite},
		{"WEBMAIL_DB_READ", inForce.DBRead, next.DBRead},
		{"WEBMAIL_DB_MAX_LAG", inForce.DBMaxLag, next.DBMaxLag},
		{"WEBMAIL_DB_STICKY", inForce.DBSticky, next.DBSticky},
		{"WEBMAIL_SESSION_STORE", inForce.SessionStore, next.SessionStore},
		{"WEBMAIL_SESSION_IDLE", inForce.SessionIdle, next.SessionIdle},
		{"WEBMAIL_SESSION_MAX", inForce.SessionMax, next.SessionMax},
		{"WEBMAIL_REDIS", inForce.Redis, next.Redis},
		{"WEBMAIL_REDIS_SENTINELS", inForce.RedisSentinels, next.RedisSentinels},
		{"WEBMAIL_REDIS_MASTER", inForce.RedisMaster, next.RedisMaster},
		{"WEBMAIL_REDIS_CLUSTER", inForce.RedisCluster, next.RedisCluster},
		{"WEBMAIL_REDIS_PASSWORD", inForce.RedisPassword, next.RedisPassword},
		{"WEBMAIL_ATTACHMENTS", inForce.Attachments, next.Attachments},
		{"WEBMAIL_ATTACHMENTS_*", inForce.AttachmentSettings, next.AttachmentSettings},
		{"WEBMAIL_SECRET", inForce.Secret, next.Secret},
		{"WEBMAIL_SECRET_PREVIOUS", inForce.PreviousSecrets, next.PreviousSecrets},
		{"WEBMAIL_PROXY_PROTOCOL", inForce.ProxyProtocol, next.ProxyProtocol},
		{"WEBMAIL_INSTANCE", inForce.Instance, next.Instance},
		{"WEBMAIL_METRICS_LISTEN", inForce.MetricsListen, next.MetricsListen},
		{"WEBMAIL_ROUTING_LISTEN", inForce.RoutingListen, next.RoutingListen},
		{"WEBMAIL_ROUTING_CHECK_PASSWORDS", inForce.RoutingCheckFirst, next.RoutingCheckFirst},
		{"WEBMAIL_ROUTING_FAILURE_WAIT", inForce.RoutingFailWait, next.RoutingFailWait},
		{"WEBMAIL_ADMIN_LISTEN", inForce.AdminListen, next.AdminListen},
		{"WEBMAIL_IMAP_MAX_PER_USER", inForce.IMAPMaxPerUser, next.IMAPMaxPerUser},
		{"WEBMAIL_IMAP_IDLE_TIMEOUT", inForce.IMAPIdleTimeout, next.IMAPIdleTimeout},
		{"WEBMAIL_IMAP_MAX_AGE", inForce.IMAPMaxAge, next.IMAPMaxAge},
		{"WEBMAIL_PAGE_SIZE", inForce.PageSize, next.PageSize},
		{"WEBMAIL_MAX_MESSAGE_BYTES", inForce.MaxMessageBytes, next.MaxMessageBytes},
		{"WEBMAIL_MAX_FORM_BYTES", inForce.MaxFormBytes, next.MaxFormBytes},
		{"WEBMAIL_MESSAGE_CACHE", inForce.MessageCacheBytes, next.MessageCacheBytes},
		{"WEBMAIL_LIST_CACHE", inForce.ListCacheBytes, next.ListCacheBytes},
		{"WEBMAIL_DRAIN", inForce.Drain, next.Drain},
		{"WEBMAIL_LOG_FORMAT", inForce.LogFormat, next.LogFormat},
		{"WEBMAIL_MAX_UPLOAD", inForce.MaxUpload, next.MaxUpload},
		{"WEBMAIL_SENT_COPY", inForce.SentCopy, next.SentCopy},
		{"WEBMAIL_COMPOSE_TTL", inForce.ComposeTTL, next.ComposeTTL},
		{"WEBMAIL_PLUGINS", inForce.Plugins, next.Plugins},
		{"WEBMAIL_PLUGIN_*", inForce.PluginSettings, next.PluginSettings},
	}
	var names []string
	for _, f := range fields {
		if !reflect.DeepEqual(f.a, f.b) {
			names = append(names, f.name)
		}
	}
	return names
}
