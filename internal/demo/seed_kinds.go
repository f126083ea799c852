package demo

import (
	"fmt"
)

// weightedKind is one kind of filler message and how often it appears.
type weightedKind struct {
	weight int
	add    func(mailbox string)
}

// addFiller adds one ordinary message of a kind that suits the folder.
func (g *generator) addFiller(mailbox string) {
	var kinds []weightedKind
	switch mailbox {
	case "INBOX", "Archive":
		kinds = []weightedKind{
			{22, g.addPersonal}, {24, g.addWork}, {20, g.addNotification},
			{12, g.addNewsletter}, {8, g.addWithAttachment}, {6, g.addReceipt}, {4, g.addFamily},
		}
	case "Sent":
		kinds = []weightedKind{{1, g.addOutgoing}}
	case "Junk":
		kinds = []weightedKind{{1, g.addJunk}}
	case "Trash":
		kinds = []weightedKind{{4, g.addNotification}, {4, g.addNewsletter}, {2, g.addPersonal}}
	case "Projects":
		kinds = []weightedKind{{3, g.addWork}, {1, g.addWithAttachment}}
	case "Projects/Webmail":
		kinds = []weightedKind{{3, g.addWork}, {3, g.addBuild}, {2, g.addReview}}
	case "Receipts":
		kinds = []weightedKind{{1, g.addReceipt}}
	case "Família":
		kinds = []weightedKind{{1, g.addFamily}}
	default:
		kinds = []weightedKind{{1, g.addPersonal}}
	}
	total := 0
	for _, k := range kinds {
		total += k.weight
	}
	n := g.rng.IntN(total)
	for _, k := range kinds {
		if n -= k.weight; n < 0 {
			k.add(mailbox)
			return
		}
	}
}

// addPersonal is a note from a friend, sometimes with an HTML version.
func (g *generator) addPersonal(mailbox string) {
	from := pick(g, g.people.friends)
	g.addLetter(mailbox, from, nil, personalTopic(), g.chance(0.4))
}

// addWork is a note from a colleague, sometimes copying another one.
func (g *generator) addWork(mailbox string) {
	from := pick(g, g.people.colleagues)
	var cc []person
	if other := pick(g, g.people.colleagues); other.address != from.address && g.chance(0.3) {
		cc = []person{other}
	}
	g.addLetter(mailbox, from, cc, workTopic(), g.chance(0.3))
}

// addLetter files a letter from someone to the user.
func (g *generator) addLetter(mailbox string, from person, cc []person, t topic, withHTML bool) {
	me := g.people.me
	paras := g.paragraphs(t, 1+g.rng.IntN(3))
	signoff, signature := pick(g, signoffs()), firstName(from.name)
	text := letter(firstName(me.name), paras, signoff, signature)
	body := textPart("plain", text)
	if withHTML {
		body = g.alternative(text, letterHTML(firstName(me.name), paras, signoff, signature))
	}
	g.add(mailbox, envelope{
		from: from, to: []person{me}, cc: cc, subject: g.fill(pick(g, t.subjects)), date: g.dateIn(mailbox),
	}, body)
}

// addFamily is a family message, often with photos attached.
func (g *generator) addFamily(mailbox string) {
	me := g.people.me
	from := pick(g, g.people.family)
	var cc []person
	if other := pick(g, g.people.family); other.address != from.address && g.chance(0.5) {
		cc = []person{other}
	}
	t := familyTopic()
	paras := g.paragraphs(t, 1+g.rng.IntN(2))
	signoff := pick(g, []string{"Beijinhos", "Love", "Abraços", "Hugs"})
	text := letter(firstName(me.name), paras, signoff, from.greet)
	body := textPart("plain", text)
	switch {
	case g.chance(0.25):
		body = g.withInlineImage(text, letterHTML(firstName(me.name), paras, signoff, from.greet),
			"photo.png", "A photo from home", pick(g, g.photos))
	case g.chance(0.4):
		var photos []*part
		for i := range 1 + g.rng.IntN(2) {
			photos = append(photos, filePart("image/png", fmt.Sprintf("IMG_%04d.png", 2000+g.rng.IntN(8000)+i), pick(g, g.photos)))
		}
		body = g.mixed(body, photos...)
	}
	g.add(mailbox, envelope{from: from, to: []person{me}, cc: cc, subject: g.fill(pick(g, t.subjects)), date: g.dateIn(mailbox)}, body)
}

// addWithAttachment is a work note with one random attachment.
func (g *generator) addWithAttachment(mailbox string) {
	me := g.people.me
	from := pick(g, g.people.colleagues)
	attachment, sentence := g.randomAttachment()
	paras := append(g.paragraphs(workTopic(), 1), sentence)
	text := letter(firstName(me.name), paras, pick(g, signoffs()), firstName(from.name))
	g.add(mailbox, envelope{from: from, to: []person{me}, subject: g.fill(pick(g, workTopic().subjects)), date: g.dateIn(mailbox)},
		g.mixed(textPart("plain", text), attachment))
}

// randomAttachment returns a file and a sentence mentioning it.
func (g *generator) randomAttachment() (*part, string) {
	switch g.rng.IntN(5) {
	case 0:
		return filePart("application/pdf", "proposal.pdf", g.pdf("Proposal", "A short proposal for the next phase.")), "The proposal is attached as a PDF."
	case 1:
		return filePart("text/csv", "numbers.csv", []byte(g.budgetCSV())), "I've attached the numbers as a CSV file."
	case 2:
		return filePart("image/png", "chart.png", pick(g, g.charts)), "The chart is attached."
	case 3:
		return filePart("text/plain", "notes.txt", []byte(normalizeCRLF([]byte(g.notesText())))), "My notes are attached."
	default:
		return filePart("application/zip", "logs.zip", g.logsZip()), "The logs are in the attached zip."
	}
}

// addOutgoing is a message the user sent, sometimes with an attachment.
func (g *generator) addOutgoing(mailbox string) {
	me := g.people.me
	to, t := pick(g, g.people.friends), personalTopic()
	if g.chance(0.5) {
		to, t = pick(g, g.people.colleagues), workTopic()
	}
	paras := g.paragraphs(t, 1+g.rng.IntN(2))
	var attachment *part
	if g.chance(0.15) {
		var sentence string
		attachment, sentence = g.randomAttachment()
		paras = append(paras, sentence)
	}
	body := textPart("plain", letter(to.greet, paras, pick(g, signoffs()), firstName(me.name)))
	if attachment != nil {
		body = g.mixed(body, attachment)
	}
	g.add(mailbox, envelope{from: me, to: []person{to}, subject: g.fill(pick(g, t.subjects)), date: g.dateIn(mailbox)}, body)
}
