package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/pages"
)

// UserError is an error with a message prepared for the user. Err, the
// cause, is logged and never shown. Title and Message are English catalog
// keys (package i18n), Message a format when Args is set; userError
// translates them for the request.
type UserError struct {
	Status  int
	Title   string
	Message string
	Args    []any
	Err     error
}

func (e *UserError) Error() string {
	if e.Err != nil {
		return e.Title + ": " + e.Err.Error()
	}
	return e.Title
}

func (e *UserError) Unwrap() error { return e.Err }

// handleError is echo's one error handler: it logs the full error with the
// request ID and shows the user a safe page. err.Error() never reaches the
// response.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		s.Logger.Warn("error after response started", "request_id", reqID(c), "err", err)
		return
	}
	ue := s.userError(c, err)
	attrs := []any{"request_id", reqID(c), "status", ue.Status, "path", c.Request().URL.Path}
	if ue.Err != nil {
		attrs = append(attrs, "err", ue.Err)
	}
	switch {
	case ue.Status >= 500:
		s.Logger.Error("request failed", attrs...)
	case ue.Status != http.StatusNotFound:
		s.Logger.Info("request refused", attrs...)
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(ue.Status)
		return
	}
	if ue.Status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", "5")
	}
	view := pages.ErrorView{Frame: s.frame(c, ue.Title), Status: ue.Status, Title: ue.Title, Message: ue.Message}
	if currentSession(c) != nil {
		view.BackURL = "/mail/INBOX"
	}
	if err := render(c, ue.Status, pages.Error(view)); err != nil {
		s.Logger.Error("rendering error page", "request_id", reqID(c), "err", err)
	}
}

// userError is err as the user sees it: its own message, the
// application's (with what its code asks of the HTTP layer), echo's, or an
// internal failure's.
func (s *Server) userError(c echo.Context, err error) *UserError {
	var ue *UserError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ue):
	case app.AsError(err) != nil:
		ue = s.appError(c, app.AsError(err))
	case errors.As(err, &he):
		ue = &UserError{Status: he.Code, Title: httpTitle(he.Code), Message: httpMessage(he.Code), Err: err}
	case app.DependencyError(err) != nil:
		// A database failure no use case mapped (a write while the
		// primary is down).
		ue = s.appError(c, app.DependencyError(err))
	default:
		ue = &UserError{Status: http.StatusInternalServerError, Title: "Something went wrong",
			Message: "Something went wrong on our side. It has been logged; please try again.", Err: err}
	}
	if ue.Status == 0 {
		ue.Status = http.StatusInternalServerError
	}
	return translated(c, ue)
}

// translated is ue in the request's language, its message formatted.
func translated(c echo.Context, ue *UserError) *UserError {
	ctx := c.Request().Context()
	out := *ue
	out.Title = i18n.T(ctx, ue.Title)
	out.Message = i18n.T(ctx, ue.Message, ue.Args...)
	out.Args = nil
	return &out
}

// appErrorText is an application error's title and message in the
// request's language, for a page that shows it in place (a form).
func appErrorText(c echo.Context, e *app.Error) (title, message string) {
	ue := translated(c, appUserText(e))
	return ue.Title, ue.Message
}

// appUserText is what the user reads of e, still in English: a generic
// text for an internal failure, the format and its arguments when e has
// them.
func appUserText(e *app.Error) *UserError {
	if e.Code == app.CodeInternal || e.Message == "" {
		return &UserError{Title: i18n.Mark("Something went wrong"),
			Message: i18n.Mark("Something went wrong on our side. It has been logged; please try again.")}
	}
	if e.Format != "" {
		return &UserError{Title: e.Title, Message: e.Format, Args: e.Args}
	}
	return &UserError{Title: e.Title, Message: e.Message}
}

// appStatus is the HTTP status of each application error code.
var appStatus = map[app.Code]int{
	app.CodeInternal:         http.StatusInternalServerError,
	app.CodeInvalid:          http.StatusBadRequest,
	app.CodeNotFound:         http.StatusNotFound,
	app.CodeSignedOut:        http.StatusUnauthorized,
	app.CodeWrongCredentials: http.StatusUnauthorized,
	app.CodeLimited:          http.StatusTooManyRequests,
	app.CodeTooLarge:         http.StatusRequestEntityTooLarge,
	app.CodeConflict:         http.StatusConflict,
	app.CodeUnavailable:      http.StatusServiceUnavailable,
	app.CodeMailServer:       http.StatusBadGateway,
	app.CodeUnreadable:       http.StatusUnprocessableEntity,
}

// appError is the one place an application error becomes an HTTP answer:
// its status, and what a code asks of the HTTP layer (a session the
// application ended loses its cookie; a limit says when to retry).
func (s *Server) appError(c echo.Context, e *app.Error) *UserError {
	status, ok := appStatus[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	switch e.Code {
	case app.CodeSignedOut:
		c.SetCookie(s.Sessions.ClearCookie(s.isTLS(c)))
	case app.CodeLimited:
		if e.RetryAfter > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())+1))
		}
	}
	ue := appUserText(e)
	ue.Status, ue.Err = status, e
	return ue
}

// httpTitle is the heading for an HTTP error echo raised.
func httpTitle(code int) string {
	switch {
	case code == http.StatusNotFound:
		return i18n.Mark("Not found")
	case code == http.StatusMethodNotAllowed:
		return i18n.Mark("Not allowed")
	case code == http.StatusRequestEntityTooLarge:
		return i18n.Mark("Too large")
	case code >= 500:
		return i18n.Mark("Something went wrong")
	}
	return i18n.Mark("Bad request")
}

func httpMessage(code int) string {
	switch code {
	case http.StatusNotFound:
		return i18n.Mark("There is nothing at this address.")
	case http.StatusMethodNotAllowed:
		return i18n.Mark("This address does not accept that kind of request.")
	case http.StatusRequestEntityTooLarge:
		return i18n.Mark("That is too large.")
	default:
		if code >= 500 {
			return i18n.Mark("Something went wrong on our side. Please try again.")
		}
		return i18n.Mark("The request could not be handled.")
	}
}
