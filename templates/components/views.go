// Package components has the templ components several pages share (the
// folder tree, the message table and its rows, the list toolbar and status
// line, the list's shortcut help) and their view models.
package components

// Folder is one entry of the folder tree.
type Folder struct {
	Name     string // display name
	URL      string
	Unseen   uint32
	Depth    int
	Current  bool
	NoSelect bool
	Special  string // "inbox", "sent", ... or ""
	// Subscribed folders are the ones the sidebar shows (see
	// sidebarFolders); /folders lists them all.
	Subscribed bool
}

// MessageRow is one line of a message list.
type MessageRow struct {
	URL        string
	From       string
	Subject    string
	Date       string // short, for the list
	DateTitle  string // full date, for the tooltip
	Size       string
	Unread     bool
	Flagged    bool
	Answered   bool
	Attachment bool

	// Fields below were added with sorting, threads, search and actions
	// (issue 3).
	UID        uint32
	Select     string // checkbox value: the UID, or "{escaped mailbox}/{uid}" for results from many folders
	SelectName string // checkbox name: "uid" or "msg"
	Folder     string // the message's folder, shown in results from many folders; "" otherwise
	FolderURL  string
	Depth      int    // reply depth in a conversation, 0 for its root and in flat lists
	ThreadSize int    // on a conversation's first row: its number of messages; 0 elsewhere
	ThreadID   string // rows of one conversation share it; "" in flat lists

	// Fields below were added with the reading pane and the phone layout
	// (issue 11).
	ToRecipients bool   // From holds "To: …": a folder of the user's own mail
	DateISO      string // RFC 3339, for <time datetime>; "" without a date
	Preview      string // the start of the message's text (list_preview setting); "" for none
}

// SortColumn is a column header of the message list; clicking it sorts by
// the column, or turns the order around when it already does.
type SortColumn struct {
	Label      string
	Key        string // "date", "from", "subject", "size"
	URL        string
	Active     bool // the list is sorted by this column
	Descending bool // the current order, when Active
	Class      string
}

// ListActions is the form acting on the selected messages of a list.
type ListActions struct {
	URL       string // POST target: fields csrf, action, uid or msg (repeated), target, confirm, return
	CSRF      string
	ReturnURL string // where a form post without scripts comes back to
	InTrash   bool   // delete removes for good (asks first)
	InJunk    bool   // offer "Not junk" rather than "Junk"
	InArchive bool   // no "Archive" button
	CanEmpty  bool   // Trash and Junk can be emptied (asks first)
	Mailbox   string // display name of the folder, for the "empty" question
	Targets   []FolderOption
	// RefreshURL reloads the list as it is (issue 11); "" for none.
	RefreshURL string
}

// FolderOption is one mailbox in a folder menu (move to, copy to, parent).
type FolderOption struct {
	Value string // the full IMAP name
	Label string // the decoded full name for people ("Work/Projects")
	// Special is the folder's special use ("sent", ...), so a menu can
	// name it in the user's language (FolderLabel).
	Special string
}
