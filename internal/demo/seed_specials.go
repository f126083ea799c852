package demo

import (
	"encoding/base64"
	"fmt"
	"mime"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// addSpecials files the one-of-a-kind INBOX messages that exercise a mail
// client: legacy charsets, a forwarded message, an inline image, every
// attachment type, an HTML-only message and a mailing-list post.
func (g *generator) addSpecials() {
	g.addLatin1()
	g.addISO2022JP()
	g.addForwarded()
	g.addInlineChart()
	g.addAttachmentSamples()
	g.addCalendarInvite()
	g.addHTMLOnly()
	g.addListPost()
}

// addLatin1 is a message whose subject and body are ISO-8859-1.
func (g *generator) addLatin1() {
	c := g.people
	subject := mustLatin1("Résumé of the café meeting in Zürich")
	body := "Hi " + firstName(c.me.name) + ",\n\n" +
		"Here is a short résumé of Thursday's meeting at the café near the station.\n\n" +
		"- The façade work on the office starts next month, so we'll use the\n" +
		"  café's back room for two weeks.\n" +
		"- Señora García will send the new price list, naïvely optimistic as always.\n" +
		"- The piñata for the summer party is ordered (don't ask).\n\n" +
		"À bientôt,\nFrançois\n"
	p := &part{
		header: []headerField{
			{"Content-Type", "text/plain; charset=ISO-8859-1"},
			{"Content-Transfer-Encoding", "quoted-printable"},
		},
		body: quotedPrintable([]byte(mustLatin1(body))),
	}
	g.add("INBOX", envelope{
		from: c.francois, to: []person{c.me}, date: g.dateIn("INBOX"),
		rawSubject: mime.QEncoding.Encode("ISO-8859-1", subject),
	}, p)
}

// addISO2022JP is a Japanese message in ISO-2022-JP, as Japanese mail
// clients still send it: 7bit body, B-encoded subject.
func (g *generator) addISO2022JP() {
	c := g.people
	subject := mustISO2022JP("来週の打ち合わせについて")
	body := "いつもお世話になっております。山田です。\n\n" +
		"来週の打ち合わせですが、火曜日の午後二時からでいかがでしょうか。\n" +
		"資料は前日までにお送りします。\n\n" +
		"(English below)\n\n" +
		"Thank you as always. About next week's meeting: would Tuesday at\n" +
		"2 pm work for you? I will send the documents the day before.\n\n" +
		"よろしくお願いいたします。\n山田太郎\n"
	p := &part{
		header: []headerField{
			{"Content-Type", "text/plain; charset=ISO-2022-JP"},
			{"Content-Transfer-Encoding", "7bit"},
		},
		body: normalizeCRLF([]byte(mustISO2022JP(body))),
	}
	g.add("INBOX", envelope{
		from: c.yamada, to: []person{c.me}, date: g.dateIn("INBOX"),
		rawSubject: "=?ISO-2022-JP?B?" + base64.StdEncoding.EncodeToString([]byte(subject)) + "?=",
	}, p)
}

// addForwarded forwards a customer's message as a message/rfc822 attachment.
func (g *generator) addForwarded() {
	c := g.people
	customer := c.amara
	date := g.dateIn("INBOX")
	original := letter(c.maria.greet, []string{
		"We're moving our team to a new mail provider next quarter and need to take our archive with us.",
		"Does the export include shared folders and the flags on each message? We have about twelve years of mail, so we'd like to test it on a small account first.",
	}, "Kind regards", customer.name)
	inner, _ := g.render(envelope{
		from: customer, to: []person{c.maria}, subject: "Export of our mailbox data",
		date: date.Add(-3 * time.Hour),
	}, textPart("plain", original))
	text := letter(firstName(c.me.name), []string{
		"Forwarding this from Amara at the customer. Could you check whether the export covers shared folders? Her original message is attached.",
	}, "Thanks", c.maria.greet)
	g.add("INBOX", envelope{
		from: c.maria, to: []person{c.me}, subject: "Fwd: Export of our mailbox data", date: date,
	}, g.mixed(textPart("plain", text), messagePart("Export of our mailbox data.eml", inner)))
}

// addInlineChart is an HTML message with a chart as a cid: inline image,
// inside multipart/alternative with a text version.
func (g *generator) addInlineChart() {
	c := g.people
	paras := []string{
		"Here are this week's numbers. Daily active users went up again, mostly from the teams that switched over on Monday.",
		"The dip on Thursday was the planned maintenance window.",
	}
	text := letter("all", paras, "Cheers", c.lena.greet) + "\n[chart: daily active users, Monday to Friday]\n"
	body := g.withInlineImage(text, letterHTML("all", paras, "Cheers", c.lena.greet),
		"chart.png", "Daily active users, Monday to Friday", g.charts[0])
	g.add("INBOX", envelope{
		from: c.lena, to: []person{c.me}, cc: []person{c.maria}, subject: "Weekly metrics 📈", date: g.dateIn("INBOX"),
	}, body)
}

// addAttachmentSamples files one message per attachment type, including
// non-ASCII file names (RFC 2231) and a message with several files.
func (g *generator) addAttachmentSamples() {
	c := g.people
	samples := []struct {
		from        person
		subject     string
		text        string
		attachments []*part
	}{
		{c.chris, "Signed contract", "Attached is the signed contract. Please countersign and send it back when you can.",
			[]*part{filePart("application/pdf", "contract-signed.pdf", g.pdf("Service agreement", "Signed by both parties."))}},
		{c.sam, "Meeting notes", "My notes from the planning meeting are attached as a text file, in case the wiki is down again.",
			[]*part{filePart("text/plain", "notes.txt", []byte(strings.ReplaceAll(g.notesText(), "\n", "\r\n")))}},
		{c.tomas, "Budget numbers for Q3", "Here's the spreadsheet with the budget per team. The totals are at the bottom.",
			[]*part{filePart("text/csv", "budget-q3.csv", []byte(g.budgetCSV()))}},
		{c.priya, "Screenshot of the folder bug", "This is what the folder list looks like after a rename. The old name sticks around until you reload.",
			[]*part{filePart("image/png", "screenshot.png", g.charts[1])}},
		{c.kwame, "Logs from last night's crash", "I zipped the logs from all three instances. The interesting part starts at 02:14.",
			[]*part{filePart("application/zip", "logs.zip", g.logsZip())}},
		{c.tomas, "Relatório de despesas", "The expense report for March is attached. The receipts are in the shared drive.",
			[]*part{filePart("application/pdf", "Relatório de despesas – março.pdf", g.pdf("Expense report, March", "Travel, meals and two conference tickets."))}},
		{c.yamada, "Updated quotation", "Please find the updated quotation attached.",
			[]*part{filePart("application/pdf", "見積書.pdf", g.pdf("Quotation", "Translation of user interface and help pages."))}},
		{c.lena, "Photos and data from the offsite", "A few photos from the offsite, and the survey results as a CSV.",
			[]*part{
				filePart("image/png", "offsite-1.png", g.photos[0]),
				filePart("image/png", "offsite-2.png", g.photos[1]),
				filePart("text/csv", "survey.csv", []byte("question,agree,neutral,disagree\r\nThe offsite was useful,18,3,1\r\nI would go again,20,2,0\r\n")),
			}},
	}
	for _, s := range samples {
		text := letter(firstName(c.me.name), []string{s.text}, pick(g, signoffs()), firstName(s.from.name))
		g.add("INBOX", envelope{from: s.from, to: []person{c.me}, subject: s.subject, date: g.dateIn("INBOX")},
			g.mixed(textPart("plain", text), s.attachments...))
	}
}

// addCalendarInvite is a meeting request with an .ics attachment.
func (g *generator) addCalendarInvite() {
	c := g.people
	date := g.dateIn("INBOX")
	start := date.Add(5 * day).UTC().Truncate(time.Hour)
	ics := strings.Join([]string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//webmail demo//EN", "METHOD:REQUEST",
		"BEGIN:VEVENT",
		fmt.Sprintf("UID:%d-roadmap-review@%s", date.Unix(), g.domain),
		"DTSTAMP:" + date.UTC().Format("20060102T150405Z"),
		"DTSTART:" + start.Format("20060102T150405Z"),
		"DTEND:" + start.Add(time.Hour).Format("20060102T150405Z"),
		"SUMMARY:Q3 roadmap review",
		"LOCATION:Room 4.12",
		"ORGANIZER;CN=" + c.maria.name + ":mailto:" + c.maria.address,
		"ATTENDEE;CN=" + c.me.name + ";RSVP=TRUE:mailto:" + c.me.address,
		"END:VEVENT", "END:VCALENDAR", "",
	}, "\r\n")
	text := "Maria Chen invites you to: Q3 roadmap review\n\nWhen: " +
		start.In(c.maria.zone).Format("Monday 2 January 2006, 15:04 MST") + " (1 hour)\nWhere: Room 4.12\n\nAccept or decline in your calendar.\n"
	g.add("INBOX", envelope{from: c.maria, to: []person{c.me}, subject: "Invitation: Q3 roadmap review", date: date},
		g.mixed(textPart("plain", text), filePart("text/calendar", "invite.ics", []byte(ics))))
}

// addHTMLOnly is a notification that has no text alternative at all.
func (g *generator) addHTMLOnly() {
	meetly := service("Meetly", "noreply@meetly.example")
	htmlBody := "<!DOCTYPE html>\n<html><body style=\"font-family: Arial, sans-serif;\">\n" +
		"<h2 style=\"color: #4a3aff;\">Your meeting notes are ready</h2>\n" +
		"<p>The transcript of <b>Design review</b> has been processed.</p>\n" +
		"<ul><li>3 decisions</li><li>5 action items</li><li>42 minutes</li></ul>\n" +
		"<p><a href=\"https://meetly.example/notes/design-review\" style=\"background: #4a3aff; color: #fff; padding: 8px 14px; text-decoration: none; border-radius: 4px;\">Open notes</a></p>\n" +
		"</body></html>\n"
	g.add("INBOX", envelope{from: meetly, to: []person{g.people.me}, subject: "Your meeting notes are ready", date: g.dateIn("INBOX")},
		textPart("html", htmlBody))
}

// addListPost is a mailing-list message: the user is not in To or Cc.
func (g *generator) addListPost() {
	list := person{name: "Webmail developers", address: "webmail-dev@lists." + g.domain, zone: zone(0, 0)}
	c := g.people
	text := wrap("Most of the polyfills in static/js exist for browsers nobody has used in years. I'd like to remove them in the next release; the bundle shrinks by a third and the code gets easier to read. Objections by Friday, please.", 72) +
		"\n\nJordan\n\n-- \nwebmail-dev mailing list\nhttps://lists." + g.domain + "/webmail-dev\n"
	g.add("INBOX", envelope{
		from: c.jordan, to: []person{list}, subject: "[webmail-dev] Proposal: drop the old polyfills", date: g.dateIn("INBOX"),
		extra: []headerField{
			{"List-Id", "Webmail developers <webmail-dev.lists." + g.domain + ">"},
			{"List-Post", "<mailto:webmail-dev@lists." + g.domain + ">"},
			{"Precedence", "list"},
		},
	}, textPart("plain", text))
}

// mustLatin1 encodes s, which the caller keeps within ISO-8859-1.
func mustLatin1(s string) string {
	out, err := charmap.ISO8859_1.NewEncoder().String(s)
	if err != nil {
		panic(fmt.Sprintf("demo: %q is not ISO-8859-1: %v", s, err))
	}
	return out
}

// mustISO2022JP encodes s, which the caller keeps within JIS X 0208.
func mustISO2022JP(s string) string {
	out, err := japanese.ISO2022JP.NewEncoder().String(s)
	if err != nil {
		panic(fmt.Sprintf("demo: %q is not ISO-2022-JP: %v", s, err))
	}
	return out
}
