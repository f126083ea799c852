package demo

import (
	"fmt"
	"strings"
)

// addNotification is an automated notice: build, parcel, reminder,
// statement, sign-in alert, forum digest or review request.
func (g *generator) addNotification(mailbox string) {
	switch g.rng.IntN(7) {
	case 0:
		g.addBuild(mailbox)
	case 1:
		g.addReview(mailbox)
	case 2:
		g.addParcel(mailbox)
	case 3:
		g.addReminder(mailbox)
	case 4:
		g.addStatement(mailbox)
	case 5:
		g.addSignIn(mailbox)
	default:
		g.addDigest(mailbox)
	}
}

// notice files a plain-text automated message to the user.
func (g *generator) notice(mailbox string, from person, subject, text string) {
	g.add(mailbox, envelope{from: from, to: []person{g.people.me}, subject: subject, date: g.dateIn(mailbox)}, textPart("plain", wrapParagraphs(text)))
}

func commitMessages() []string {
	return []string{
		"Fix folder tree collapse on narrow screens", "Retry IMAP login once on timeout",
		"Add read-your-writes window to the store", "Sanitize style attributes in HTML mail",
		"Stream attachment uploads to the store", "Show unread counts in the folder list",
		"Cache parsed message structure", "Move CSRF check before plugin hooks",
	}
}

// addBuild is a CI result for the webmail repository.
func (g *generator) addBuild(mailbox string) {
	n := 1400 + g.rng.IntN(300)
	commit := pick(g, commitMessages())
	author := pick(g, g.people.colleagues)
	failed := g.chance(0.3)
	status := "passed"
	if failed {
		status = "failed"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Build #%d %s on main\n\n", n, status)
	fmt.Fprintf(&b, "Repository: larkspur/webmail\nBranch:     main\nCommit:     %07x %s\nAuthor:     %s\nDuration:   %dm %02ds\n\n",
		g.rng.Uint32()&0xfffffff, commit, author.name, 2+g.rng.IntN(6), g.rng.IntN(60))
	if failed {
		b.WriteString("Failed step: go test ./...\n--- FAIL: TestMoveMessages (0.31s)\n    move_test.go:88: got 3 messages in Archive, want 4\n\n")
	}
	fmt.Fprintf(&b, "View the build: https://ci.tracklet.example/larkspur/webmail/builds/%d\n\n", n)
	b.WriteString("You are receiving this because you watch larkspur/webmail.\n")
	g.notice(mailbox, service("Tracklet CI", "builds@tracklet.example"), fmt.Sprintf("[larkspur/webmail] Build #%d %s on main", n, status), b.String())
}

// addReview is a code review request.
func (g *generator) addReview(mailbox string) {
	n := 300 + g.rng.IntN(200)
	commit := pick(g, commitMessages())
	author := pick(g, g.people.colleagues)
	text := fmt.Sprintf("%s requested your review on larkspur/webmail#%d:\n\n  %s\n\n%s\n\n"+
		"Files changed: %d, +%d -%d\n\nReview it: https://tracklet.example/larkspur/webmail/pull/%d\n",
		author.name, n, commit, wrap(pick(g, workTopic().sentences), 72),
		1+g.rng.IntN(9), 5+g.rng.IntN(300), g.rng.IntN(120), n)
	g.notice(mailbox, service("Tracklet", "reviews@tracklet.example"), fmt.Sprintf("[larkspur/webmail] Review requested: %s (#%d)", commit, n), text)
}

// addParcel is a delivery update.
func (g *generator) addParcel(mailbox string) {
	tracking := fmt.Sprintf("PX%09d", g.rng.IntN(1_000_000_000))
	state := pick(g, []string{"is on its way", "is out for delivery", "has been delivered", "is waiting at the pick-up point"})
	text := fmt.Sprintf("Hello,\n\nYour parcel %s %s.\n\nSender: Paperleaf Books\nTracking: https://parcelo.example/track/%s\n\n"+
		"Not at home? You can choose a neighbour or a pick-up point on the tracking page.\n\nParcelo\n", tracking, state, tracking)
	g.notice(mailbox, service("Parcelo", "tracking@parcelo.example"), "Your parcel "+tracking+" "+state, text)
}

// addReminder is a calendar reminder.
func (g *generator) addReminder(mailbox string) {
	meeting := pick(g, []string{"Design review", "Sprint planning", "1:1 with Maria", "Architecture sync", "Dentist", "Team lunch"})
	when := g.fill("{weekday} at {time}")
	text := fmt.Sprintf("Reminder: %s\n\nWhen: %s\nWhere: %s\n\nThis is an automatic reminder from your calendar.\n",
		meeting, when, pick(g, []string{"Room 4.12", "Video call", "Café Lumen", "Main office"}))
	g.notice(mailbox, service("Calendar", "calendar@"+g.domain), fmt.Sprintf("Reminder: %s @ %s", meeting, when), text)
}

// addStatement is a bank statement notice.
func (g *generator) addStatement(mailbox string) {
	month := g.fill("{month}")
	text := fmt.Sprintf("Dear customer,\n\nYour account statement for %s is ready. Sign in to online banking to view or download it.\n\n"+
		"For your security we never send statements as attachments and never ask for your PIN by email.\n\nNorthbank\n", month)
	g.notice(mailbox, service("Northbank", "statements@northbank.example"), "Your "+month+" statement is ready", text)
}

// addSignIn is a security alert.
func (g *generator) addSignIn(mailbox string) {
	browser := pick(g, []string{"Firefox on Linux", "Safari on iPhone", "Chrome on Windows", "Thunderbird on macOS"})
	text := fmt.Sprintf("Hi,\n\nWe noticed a new sign-in to your Cloudbin account.\n\nDevice: %s\nLocation: %s (approximate)\n\n"+
		"If this was you, there's nothing to do. If not, change your password at https://cloudbin.example/security right away.\n\nThe Cloudbin team\n",
		browser, g.fill("{place}"))
	g.notice(mailbox, service("Cloudbin Security", "security@cloudbin.example"), "New sign-in from "+browser, text)
}

// addDigest is a forum digest.
func (g *generator) addDigest(mailbox string) {
	topicName := pick(g, []string{"Backups for small offices", "Which NAS for home?", "Self-hosting mail in 2020s", "Quiet fans for a home server"})
	n := 2 + g.rng.IntN(6)
	text := fmt.Sprintf("There are %d new replies in \"%s\" since your last visit.\n\n%s wrote:\n%s\n\n"+
		"Read the thread: https://forum.example/t/%d\nChange your email settings: https://forum.example/settings\n",
		n, topicName, firstName(pick(g, g.people.friends).name), wrap(pick(g, personalTopic().sentences), 72), 1000+g.rng.IntN(9000))
	g.notice(mailbox, service("Home Server Forum", "digest@forum.example"), fmt.Sprintf("%d new replies in \"%s\"", n, topicName), text)
}

// wrapParagraphs wraps every paragraph of text at 72 columns, keeping
// short lines (headers like "Device: ...") as they are.
func wrapParagraphs(text string) string {
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if len(line) > 72 {
			lines[i] = wrap(line, 72)
		}
	}
	return strings.Join(lines, "\n")
}
