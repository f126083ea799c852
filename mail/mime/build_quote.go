package mime

import (
	"fmt"
	"strings"
	"time"
)

// QuoteText quotes original for a plain-text reply: the attribution line
// ("On Mon, 2 Jan 2006 at 15:04, Jane Doe wrote:", see ReplyAttribution)
// and then every line prefixed with "> ", or ">" alone before a line that
// is already quoted or empty, so nested quotes read ">> ". The original's
// signature (after a "-- " line, RFC 3676) and trailing empty lines are
// left out. Line breaks in the result are "\n".
func QuoteText(original, attribution string) string {
	original = strings.ReplaceAll(original, "\r\n", "\n")
	original = strings.ReplaceAll(original, "\r", "\n")
	lines := strings.Split(original, "\n")
	for i, line := range lines {
		if line == "-- " {
			lines = lines[:i]
			break
		}
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	var b strings.Builder
	if attribution != "" {
		b.WriteString(attribution)
		b.WriteByte('\n')
	}
	for _, line := range lines {
		line = strings.TrimRight(line, " \t")
		switch {
		case line == "":
			b.WriteString(">")
		case strings.HasPrefix(line, ">"):
			b.WriteString(">" + line)
		default:
			b.WriteString("> " + line)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// ReplyAttribution is the line above a quote: "On Mon, 2 Jan 2006 at
// 15:04, Jane Doe wrote:", with the sender's name, or their address when
// the name is empty. date is shown in its own location; the caller puts
// it in the user's.
func ReplyAttribution(date time.Time, from Address) string {
	who := strings.TrimSpace(from.Name)
	if who == "" {
		who = from.Email
	}
	who = cleanLine(who)
	if date.IsZero() {
		return who + " wrote:"
	}
	return fmt.Sprintf("On %s, %s wrote:", date.Format("Mon, 2 Jan 2006 at 15:04"), who)
}

// ForwardIntro is the block above an inline-forwarded message's text,
// as mail clients write it.
func ForwardIntro(from Address, to []Address, date time.Time, subject string) string {
	var b strings.Builder
	b.WriteString("---------- Forwarded message ----------\n")
	b.WriteString("From: " + cleanLine(displayAddress(from)) + "\n")
	if !date.IsZero() {
		b.WriteString("Date: " + date.Format("Mon, 2 Jan 2006 at 15:04") + "\n")
	}
	b.WriteString("Subject: " + cleanLine(subject) + "\n")
	if len(to) > 0 {
		names := make([]string, len(to))
		for i, a := range to {
			names[i] = cleanLine(displayAddress(a))
		}
		b.WriteString("To: " + strings.Join(names, ", ") + "\n")
	}
	b.WriteString("\n")
	return b.String()
}

func displayAddress(a Address) string {
	switch {
	case a.Name != "" && a.Email != "":
		return a.Name + " <" + a.Email + ">"
	case a.Email != "":
		return a.Email
	}
	return a.Name
}

// replyPrefixes are the reply markers mail clients put before a subject,
// compared case-insensitively: English, German, Nordic, Dutch, French.
var replyPrefixes = []string{"re", "aw", "sv", "vs", "antw", "ref", "réf"}

// forwardPrefixes are the forward markers.
var forwardPrefixes = []string{"fwd", "fw", "wg", "tr", "vs", "doorst"}

// ReplySubject returns "Re: " and the subject without the reply markers
// it already had, so a long thread stays "Re: Lunch", never "Re: Re: Re:
// Lunch" or "Re: AW: Lunch". A forward marker stays ("Re: Fwd: Lunch").
// Control characters, which a received subject can hold, are removed so
// the result can go straight into Outgoing.Subject.
func ReplySubject(subject string) string {
	return "Re: " + stripPrefixes(cleanLine(subject), replyPrefixes)
}

// ForwardSubject returns "Fwd: " and the subject without forward markers
// it already had.
func ForwardSubject(subject string) string {
	return "Fwd: " + stripPrefixes(cleanLine(subject), forwardPrefixes)
}

// stripPrefixes removes leading markers like "Re:", "RE :", "Re[2]:" or
// "Re(2):", repeatedly.
func stripPrefixes(s string, prefixes []string) string {
	for {
		rest, ok := cutMarker(s, prefixes)
		if !ok {
			return s
		}
		s = rest
	}
}

func cutMarker(s string, prefixes []string) (string, bool) {
	for _, p := range prefixes {
		if len(s) < len(p) || !strings.EqualFold(s[:len(p)], p) {
			continue
		}
		rest := s[len(p):]
		// A counter: "Re[2]:" or "Re(2):".
		if len(rest) > 0 && (rest[0] == '[' || rest[0] == '(') {
			closer := map[byte]byte{'[': ']', '(': ')'}[rest[0]]
			end := strings.IndexByte(rest, closer)
			if end < 0 || strings.Trim(rest[1:end], "0123456789") != "" {
				continue
			}
			rest = rest[end+1:]
		}
		rest = strings.TrimLeft(rest, " ")
		if !strings.HasPrefix(rest, ":") {
			continue
		}
		return strings.TrimLeft(rest[1:], " "), true
	}
	return s, false
}

// cleanLine makes text from a received message fit for one header line:
// control characters become spaces and runs of space collapse.
func cleanLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if isControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
