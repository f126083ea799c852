package demo

// addDrafts files the user's unfinished messages; assignFlags marks
// everything in Drafts \Draft and \Seen.
func (g *generator) addDrafts() {
	c := g.people
	drafts := []struct {
		to      person
		subject string
		text    string
	}{
		{c.maria, "Notes for Monday's review", "Hi Maria,\n\nA few things I'd like to cover on Monday:\n\n- attachment estimates\n- who owns the upload store tests\n- \n"},
		{c.oyvind, "Application for the flat", "Hi Øyvind,\n\nAs promised, here are the documents for the application. I'm attaching\n"},
		{c.zoe, "Book suggestions", "Hi Zoë,\n\nSome ideas for after the short stories:\n\n1. something by Tove Jansson\n2.\n"},
		{c.kwame, "Retrospective: database migration", "What went well:\n- rehearsal on staging\n- heartbeat check before opening\n\nWhat to improve:\n- \n"},
		{c.alexis, "Slides for the meetup", "Hi Alexis,\n\nHere's a first version of the slides. I still need to\n"},
	}
	for _, d := range drafts {
		g.add("Drafts", envelope{from: c.me, to: []person{d.to}, subject: d.subject, date: g.dateIn("Drafts")}, textPart("plain", d.text))
	}
}
