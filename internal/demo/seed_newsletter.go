package demo

import (
	"fmt"
	"html"
	"strings"
)

// newsletter is a sender of HTML newsletters.
type newsletter struct {
	sender   person
	title    string
	site     string // host of links
	slug     string
	color    string
	intro    string
	articles [][2]string // headline, blurb
}

func newsletters() []newsletter {
	return []newsletter{
		{service("The Weekly Gopher", "hello@gopherweekly.example"), "The Weekly Gopher", "gopherweekly.example", "gopher", "#00758f",
			"This week: iterators in practice, a slow handler profiled, and parsers that survive fuzzing.",
			[][2]string{
				{"Iterators in practice", "Range-over-func a year on: where it reads better and where a plain loop still wins."},
				{"Profiling a slow HTTP handler", "A walk through a CPU profile that pointed at JSON encoding, and the one-line fix."},
				{"Fuzzing your parsers", "How a ten-minute fuzz run found three crashes in a date parser."},
				{"Testing with real databases", "Starting MySQL and Redis on free ports per test, and keeping it fast."},
				{"Context cancellation patterns", "Stop work early without leaking goroutines."},
				{"Writing a tiny IMAP client", "FETCH, literals and the joy of line-based protocols."},
			}},
		{service("City Library", "news@citylibrary.example"), "City Library News", "citylibrary.example", "library", "#7b3f00",
			"New opening hours, an author evening, and the big book sale.",
			[][2]string{
				{"Longer hours in the reading room", "From next month the reading room stays open until nine on weekdays."},
				{"An evening with local authors", "Three writers read from new work, followed by questions and tea."},
				{"Story time for children", "Every Saturday at ten, for ages three to seven."},
				{"The big book sale", "Thousands of used books, all proceeds to the children's section."},
			}},
		{service("Nimbus Air", "deals@nimbusair.example"), "Nimbus Air deals", "nimbusair.example", "nimbus", "#1f4e9c",
			"Autumn fares are here. Book by Sunday.",
			[][2]string{
				{"Lisbon from €89", "Direct flights four times a week, bag included."},
				{"City breaks to Kraków", "Three nights with breakfast from €199."},
				{"Fly to Bergen", "See the fjords before the winter timetable starts."},
				{"Earn double points", "On every booking made through the app this month."},
			}},
	}
}

// addNewsletter is an HTML newsletter (table layout, inline CSS, remote
// images and a tracking pixel on images.example.invalid, to exercise
// remote-content blocking) with a text alternative.
func (g *generator) addNewsletter(mailbox string) {
	n := pick(g, newsletters())
	issue := 100 + g.rng.IntN(150)
	token := fmt.Sprintf("%016x", g.rng.Uint64())
	articles := make([][2]string, 0, 3)
	for _, i := range g.rng.Perm(len(n.articles))[:3] {
		articles = append(articles, n.articles[i])
	}
	unsubscribe := fmt.Sprintf("https://%s/unsubscribe?u=%s", n.site, token)

	var text strings.Builder
	fmt.Fprintf(&text, "%s, issue %d\n\n%s\n\n", n.title, issue, wrap(n.intro, 72))
	for _, a := range articles {
		fmt.Fprintf(&text, "* %s\n  %s\n  https://%s/%s\n\n", a[0], wrap(a[1], 70), n.site, slugify(a[0]))
	}
	fmt.Fprintf(&text, "--\nYou subscribed at %s. Unsubscribe: %s\n", n.site, unsubscribe)

	var h strings.Builder
	fmt.Fprintf(&h, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n", html.EscapeString(n.title))
	h.WriteString("<body style=\"margin: 0; padding: 0; background: #f4f4f4;\">\n")
	h.WriteString("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"background: #f4f4f4;\">\n<tr><td align=\"center\" style=\"padding: 24px 0;\">\n")
	h.WriteString("<table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" style=\"background: #ffffff; border-radius: 6px; font-family: Georgia, serif; color: #333;\">\n")
	fmt.Fprintf(&h, "<tr><td style=\"background: %s;\"><img src=\"http://images.example.invalid/%s/header-%d.png\" width=\"600\" height=\"120\" alt=\"%s\" style=\"display: block; border: 0;\"></td></tr>\n",
		n.color, n.slug, issue, html.EscapeString(n.title))
	fmt.Fprintf(&h, "<tr><td style=\"padding: 24px 32px 8px;\"><h1 style=\"margin: 0 0 8px; font-size: 24px; color: %s;\">Issue %d</h1><p style=\"margin: 0; font-size: 16px; line-height: 1.5;\">%s</p></td></tr>\n",
		n.color, issue, html.EscapeString(n.intro))
	for _, a := range articles {
		fmt.Fprintf(&h, "<tr><td style=\"padding: 16px 32px;\"><h2 style=\"margin: 0 0 6px; font-size: 19px;\"><a href=\"https://%s/%s\" style=\"color: %s; text-decoration: none;\">%s</a></h2><p style=\"margin: 0; font-size: 15px; line-height: 1.5;\">%s</p></td></tr>\n",
			n.site, slugify(a[0]), n.color, html.EscapeString(a[0]), html.EscapeString(a[1]))
	}
	fmt.Fprintf(&h, "<tr><td style=\"padding: 16px 32px; background: #fafafa; font-size: 12px; color: #888;\">You subscribed at %s. <a href=\"%s\" style=\"color: #888;\">Unsubscribe</a></td></tr>\n", n.site, unsubscribe)
	h.WriteString("</table>\n")
	fmt.Fprintf(&h, "<img src=\"http://images.example.invalid/open/%s.gif\" width=\"1\" height=\"1\" alt=\"\" style=\"display: block;\">\n", token)
	h.WriteString("</td></tr></table>\n</body></html>\n")

	_, senderDomain, _ := splitAddress(n.sender.address)
	g.add(mailbox, envelope{
		from: n.sender, to: []person{g.people.me}, subject: fmt.Sprintf("%s #%d", n.title, issue), date: g.dateIn(mailbox),
		extra: []headerField{
			{"List-Id", fmt.Sprintf("%s <%s.%s>", n.title, n.slug, n.site)},
			{"List-Unsubscribe", fmt.Sprintf("<%s>, <mailto:unsubscribe@%s>", unsubscribe, senderDomain)},
			{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
		},
	}, g.alternative(text.String(), h.String()))
}

// slugify turns a headline into a URL path segment.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
