package plugins

import "context"

// Veto is the error a hook returns to refuse a login or a send. Message is
// shown to the user as it is, so it must be safe to show and say what to
// do.
type Veto struct {
	Message string
	// Confirmable makes a send veto a warning the user may override
	// (Outgoing.SendAnyway on the next press).
	Confirmable bool
}

func (v *Veto) Error() string { return "plugins: vetoed: " + v.Message }

// CSRFField is the form field an unsafe request (POST...) to a plugin's
// route must carry CSRFTokenOf's value in (or the X-CSRF-Token header);
// the webmail refuses it otherwise, before the plugin sees it.
const CSRFField = "csrf"

// requestKey is the context key of a plugin route's request facts.
type requestKey struct{}

// requestFacts is what the webmail tells a plugin's route about its request.
type requestFacts struct{ user, csrfToken string }

// WithUser returns ctx carrying the signed-in user's login and the
// session's CSRF token; the webmail calls it before a plugin's route.
func WithUser(ctx context.Context, user, csrfToken string) context.Context {
	return context.WithValue(ctx, requestKey{}, requestFacts{user: user, csrfToken: csrfToken})
}

// UserOf returns the login of the user signed in for a request to a
// plugin's route ("" only outside those routes).
func UserOf(ctx context.Context) string {
	facts, _ := ctx.Value(requestKey{}).(requestFacts)
	return facts.user
}

// CSRFTokenOf returns the token a form of a plugin's page must post in
// the field CSRFField.
func CSRFTokenOf(ctx context.Context) string {
	facts, _ := ctx.Value(requestKey{}).(requestFacts)
	return facts.csrfToken
}
