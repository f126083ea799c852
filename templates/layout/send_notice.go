package layout

// SendNotice is a message the mail server refused for good, shown as a
// banner on every page until the user dismisses it.
type SendNotice struct {
	OutboxID  int64
	ComposeID string
	Subject   string
	Answer    string // the server's answer, safe to show
	Back      string // this page's path, where dismissing returns
}
