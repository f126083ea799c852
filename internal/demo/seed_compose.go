package demo

import (
	"fmt"
	"html"
	"mime"
	"strconv"
	"strings"
	"time"
)

// envelope is the header of a seeded message.
type envelope struct {
	from       person
	to, cc     []person
	subject    string // UTF-8, encoded when written
	rawSubject string // already encoded (other charsets); wins over subject
	date       time.Time
	inReplyTo  string   // Message-ID without brackets
	references []string // oldest first, without brackets
	extra      []headerField
}

// add renders a message and files it in mailbox.
func (g *generator) add(mailbox string, env envelope, body *part) *seedMessage {
	raw, id := g.render(env, body)
	m := &seedMessage{mailbox: mailbox, date: env.date, raw: raw, messageID: id}
	g.out[mailbox] = append(g.out[mailbox], m)
	return m
}

// render writes the message and returns it with its Message-ID.
func (g *generator) render(env envelope, body *part) ([]byte, string) {
	id := g.messageID(env.from, env.date)
	subject := env.rawSubject
	if subject == "" {
		subject = encodeText(env.subject)
	}
	fields := []headerField{
		{"Date", env.date.In(env.from.zone).Format(time.RFC1123Z)},
		{"From", formatAddress(env.from.name, env.from.address)},
		{"To", formatAddressList(env.to)},
	}
	if len(env.cc) > 0 {
		fields = append(fields, headerField{"Cc", formatAddressList(env.cc)})
	}
	fields = append(fields,
		headerField{"Subject", subject},
		headerField{"Message-ID", "<" + id + ">"},
	)
	if env.inReplyTo != "" {
		fields = append(fields, headerField{"In-Reply-To", "<" + env.inReplyTo + ">"})
	}
	if len(env.references) > 0 {
		refs := make([]string, len(env.references))
		for i, r := range env.references {
			refs[i] = "<" + r + ">"
		}
		fields = append(fields, headerField{"References", strings.Join(refs, " ")})
	}
	fields = append(fields, env.extra...)
	return renderMessage(fields, body), id
}

// messageID makes a unique, deterministic Message-ID on the sender's domain.
func (g *generator) messageID(from person, date time.Time) string {
	g.serial++
	_, domain, _ := splitAddress(from.address)
	return fmt.Sprintf("%s.%d.%08x@%s", strconv.FormatInt(date.Unix(), 36), g.serial, g.rng.Uint32(), domain)
}

// boundary makes a multipart boundary. "=_" cannot occur in quoted-printable
// or base64 bodies, so it never collides with content.
func (g *generator) boundary() string {
	return fmt.Sprintf("=_%016x", g.rng.Uint64())
}

// fill replaces {placeholders} with random words; {colleague} is a
// colleague's first name and {n} a small number.
func (g *generator) fill(s string) string {
	for strings.Contains(s, "{") {
		start := strings.Index(s, "{")
		end := strings.Index(s[start:], "}")
		if end < 0 {
			break
		}
		key := s[start+1 : start+end]
		var word string
		switch key {
		case "colleague":
			word = pick(g, g.people.colleagues).greet
		case "n":
			word = strconv.Itoa(10 + g.rng.IntN(40))
		default:
			word = pick(g, g.words[key])
		}
		s = s[:start] + word + s[start+end+1:]
	}
	return s
}

// paragraphs draws n paragraphs of two or three distinct sentences.
func (g *generator) paragraphs(t topic, n int) []string {
	order := g.rng.Perm(len(t.sentences))
	var paras []string
	for i := 0; i < n && len(order) > 0; i++ {
		count := min(2+g.rng.IntN(2), len(order))
		sentences := make([]string, count)
		for j := range count {
			sentences[j] = g.fill(t.sentences[order[j]])
		}
		order = order[count:]
		paras = append(paras, strings.Join(sentences, " "))
	}
	return paras
}

// letter is a plain-text personal message: greeting, paragraphs wrapped at
// 72 columns, sign-off and signature.
func letter(greet string, paras []string, signoff, signature string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Hi %s,\n\n", greet)
	for _, p := range paras {
		b.WriteString(wrap(p, 72) + "\n\n")
	}
	fmt.Fprintf(&b, "%s,\n%s\n", signoff, signature)
	return b.String()
}

// letterHTML is the HTML twin of letter, styled like a common mail client.
func letterHTML(greet string, paras []string, signoff, signature string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n")
	b.WriteString("<body style=\"font-family: Helvetica, Arial, sans-serif; font-size: 14px; color: #222;\">\n")
	fmt.Fprintf(&b, "<p>Hi %s,</p>\n", html.EscapeString(greet))
	for i, p := range paras {
		text := html.EscapeString(p)
		if i == 0 {
			// Emphasise the first sentence, as people do.
			if dot := strings.Index(text, ". "); dot > 0 {
				text = "<strong>" + text[:dot+1] + "</strong>" + text[dot+1:]
			}
		}
		fmt.Fprintf(&b, "<p>%s</p>\n", text)
	}
	fmt.Fprintf(&b, "<p>%s,<br>\n<span style=\"color: #666;\">%s</span></p>\n</body></html>\n",
		html.EscapeString(signoff), html.EscapeString(signature))
	return b.String()
}

// quoted formats a reply's attribution line, in the replier's time zone,
// and the quoted original.
func quoted(from person, date time.Time, replier *time.Location, text string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "On %s, %s <%s> wrote:\n", date.In(replier).Format("Mon, 2 Jan 2006 at 15:04"), from.name, from.address)
	for line := range strings.Lines(strings.TrimRight(text, "\n")) {
		line = strings.TrimRight(line, "\n")
		if line == "" {
			b.WriteString(">\n")
		} else {
			b.WriteString("> " + line + "\n")
		}
	}
	return b.String()
}

// wrap breaks text into lines of at most width bytes at spaces.
func wrap(text string, width int) string {
	var b strings.Builder
	lineLen := 0
	for i, word := range strings.Fields(text) {
		if i > 0 {
			if lineLen+1+len(word) > width {
				b.WriteString("\n")
				lineLen = 0
			} else {
				b.WriteString(" ")
				lineLen++
			}
		}
		b.WriteString(word)
		lineLen += len(word)
	}
	return b.String()
}

// alternative is the usual text + HTML pair.
func (g *generator) alternative(text, htmlBody string) *part {
	return multipart("alternative", g.boundary(), textPart("plain", text), textPart("html", htmlBody))
}

// withInlineImage is text plus HTML showing a PNG by cid: reference:
// multipart/alternative [text/plain, multipart/related [text/html, image/png]].
func (g *generator) withInlineImage(text, htmlBody, filename, alt string, png []byte) *part {
	cid := fmt.Sprintf("img-%d-%08x@%s", g.serial, g.rng.Uint32(), g.domain)
	img := fmt.Sprintf("<p><img src=\"cid:%s\" alt=\"%s\"></p>\n</body>", cid, html.EscapeString(alt))
	related := multipart("related", g.boundary(),
		textPart("html", strings.Replace(htmlBody, "</body>", img, 1)),
		inlinePart("image/png", filename, cid, png))
	related.header[0].value = mime.FormatMediaType("multipart/related", map[string]string{"boundary": related.boundary, "type": "text/html"})
	return multipart("alternative", g.boundary(), textPart("plain", text), related)
}

// mixed attaches files after a body part.
func (g *generator) mixed(body *part, attachments ...*part) *part {
	return multipart("mixed", g.boundary(), append([]*part{body}, attachments...)...)
}
