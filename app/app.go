package app

import (
	"log/slog"
	"time"

	"github.com/webmail/webmail/app/loginlimit"
	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/imageproxy"
	"github.com/webmail/webmail/mail/submit"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// Deps is what the application layer is built from; cmd/webmail fills it.
type Deps struct {
	Logger      *slog.Logger
	DB          *store.DB
	Sessions    *session.Manager
	Attachments attachments.Store
	// IMAP is the mail server of every login when Router is nil.
	IMAP        mail.Endpoint
	IMAPOptions mail.DialOptions
	Pool        *mail.Pool    // this instance's IMAP connections
	Watcher     *mail.Watcher // this instance's IDLE connections for new-mail push
	// Router resolves a login to its mail servers; the session keeps the
	// result. Nil: every login uses IMAP.
	Router MailRouter
	// SMTP is the submission server of every login the Router does not
	// route (and of all when Router is nil).
	SMTP mail.Endpoint
	// MaxUpload bounds the attachments of one message, altogether
	// (WEBMAIL_MAX_UPLOAD); see UploadLimit.
	MaxUpload int64
	// MaxMessageBytes bounds how much of one message is fetched to show it.
	MaxMessageBytes int64
	// PageSize is the default number of messages on a list page.
	PageSize int
	// LoginFailures counts failed logins for LoginLimits, shared by every
	// instance (Redis or SQL). Nil: no login limits.
	LoginFailures loginlimit.FailureCounter
	LoginLimits   loginlimit.Limits // initial limits; SetLoginLimits replaces them
	// MessageCacheBytes bounds this instance's parsed-message cache
	// (messages fetched, parsed and sanitized for a view, kept for the
	// body document and parts that follow), in bytes
	// (WEBMAIL_MESSAGE_CACHE). 0 or negative turns the cache off: every
	// body document and part then fetches and parses the message again.
	MessageCacheBytes int64

	// SubmitOptions are the SMTP options of the outbox's submissions.
	SubmitOptions submit.Options
	// SkipSentCopy leaves the copy of a sent message in Sent to the mail
	// server, for servers that file sent mail themselves
	// (WEBMAIL_SENT_COPY=skip).
	SkipSentCopy bool
	// ComposeTTL is how long an unsent compose, with its uploads, is kept
	// after its last change (WEBMAIL_COMPOSE_TTL); 0 means 7 days.
	ComposeTTL time.Duration
	// Instance names this process in outbox leases. It must be unique per
	// process: two processes with one name would take each other's
	// messages for their own. "" makes a random one.
	Instance string
	// Images fetches the remote images of message bodies for the image
	// proxy. Nil: imageproxy.New with its defaults (public addresses
	// only).
	Images *imageproxy.Fetcher
	// OutboxFirstRetry is the wait after a send's first temporary
	// failure, doubling after each next one up to 15 min; 0 means 30 s.
	OutboxFirstRetry time.Duration
	// Plugins are the enabled plugins' hooks (*plugins.Host); nil: none.
	Plugins Hooks
}

// MailRouter is what the application needs of mail.Router.
type MailRouter interface {
	Resolve(login string) (mail.Route, error)
}

// App runs the use cases. It is safe for concurrent use; one App serves
// every request of an instance.
type App struct {
	Deps
	loginLimiter *loginlimit.Limiter
	verified     *verifiedLogins // mail logins the backends accepted lately (RouteMailLogin)
	messages     *messageCache
	smtpSizes    *smtpSizes
	draftCopies  *draftCopies
	notices      *noticeCache // refused-message notices per login, briefly
	quotas       *quotaCache  // mailbox quotas per login, for the sidebar
	dependencies *dependencyStates
}

// New returns the application layer over deps, with defaults for unset
// limits.
func New(deps Deps) *App {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.PageSize <= 0 {
		deps.PageSize = 50
	}
	if deps.MaxMessageBytes <= 0 {
		deps.MaxMessageBytes = 50 << 20
	}
	if deps.MaxUpload <= 0 {
		deps.MaxUpload = DefaultMaxUpload
	}
	if deps.ComposeTTL <= 0 {
		deps.ComposeTTL = defaultComposeTTL
	}
	if deps.OutboxFirstRetry <= 0 {
		deps.OutboxFirstRetry = defaultOutboxFirstRetry
	}
	if deps.Images == nil {
		deps.Images = imageproxy.New(imageproxy.Options{})
	}
	if deps.Instance == "" {
		deps.Instance = "instance-" + store.NewID()[:12]
	}
	return &App{
		Deps:         deps,
		messages:     newMessageCache(deps.MessageCacheBytes),
		loginLimiter: loginlimit.New(deps.LoginFailures, deps.LoginLimits, deps.Logger),
		verified:     newVerifiedLogins(),
		smtpSizes:    &smtpSizes{entries: map[string]smtpSizeEntry{}},
		draftCopies:  &draftCopies{last: map[string]time.Time{}},
		notices:      newNoticeCache(),
		quotas:       newQuotaCache(),
		dependencies: &dependencyStates{},
	}
}
