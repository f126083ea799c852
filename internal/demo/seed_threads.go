package demo

import (
	"time"
)

// threadStep is one message of a scripted conversation; from nil means the
// demo user wrote it (filed in Sent), anyone else's lands in INBOX.
type threadStep struct {
	from *person
	text string
}

// thread is a scripted conversation.
type thread struct {
	subject string
	to      *person   // the other party when the user starts
	cc      []*person // copied on every message
	steps   []threadStep
}

// threads returns the scripted conversations: 3 to 6 messages each,
// alternating between INBOX and Sent, chained by In-Reply-To and References.
func (g *generator) threads() []thread {
	c := g.people
	return []thread{
		{subject: "Q3 roadmap draft", steps: []threadStep{
			{&c.maria, "I've put a first draft of the Q3 roadmap in the shared folder. The big items are the folder sync rewrite and the new search. Could you look at the webmail section before Thursday? I'm not sure the estimates for attachments are realistic."},
			{nil, "Thanks, I read it on the train this morning. The search estimate looks fine, but attachments need at least two more weeks: the upload store has to work with three instances behind the load balancer. I also added a line about the replica lag work."},
			{&c.maria, "Two extra weeks is fine if we move the contact import to Q4. Can you ask Priya whether her team could take the upload store tests?"},
			{nil, "Priya said yes, as long as the test servers come up with one command. I'll write that into the plan and send the final version to the leads on Friday."},
			{&c.maria, "Perfect. I'll book a room for the review on Monday at 10. Thanks for turning this around so quickly."},
		}},
		{subject: "Login page redesign", to: &c.priya, cc: []*person{&c.sam}, steps: []threadStep{
			{nil, "Here are my notes on the new login page. The main change is that the server field is gone: we look up the mail server from the address. Let me know what you think before I start on the templates."},
			{&c.priya, "Looks much cleaner. Two things: the error message for a wrong password must not reveal whether the account exists, and the page needs to work without JavaScript. Sam may have opinions about the colours."},
			{nil, "Good points. The error is now the same in both cases, and the form posts normally when scripts are off. I kept the colours for now."},
			{&c.sam, "The colours are fine by me, but the grey hint text has too little contrast. Use the darker grey from the style guide and I'm happy."},
		}},
		{subject: "Dinner on Saturday?", steps: []threadStep{
			{&c.jose, "We finally unpacked the last boxes, so we'd love to have you over for dinner on Saturday. Around seven? Nothing fancy: I'm trying a new paella recipe and need brave testers."},
			{nil, "That sounds lovely, count me in. Can I bring anything? I could make dessert or bring a bottle of wine."},
			{&c.jose, "Dessert would be great; Clara has been asking for your lemon tart since last summer. See you Saturday!"},
		}},
		{subject: "Quotation for the Japanese translation", steps: []threadStep{
			{&c.yamada, "Thank you for your inquiry. Please find our quotation for translating the user interface into Japanese. The price covers about 1,200 strings and one round of review. We can start the week after next."},
			{nil, "Thank you for the quick answer. The price is fine. Could you also include the help pages? They are about forty short articles."},
			{&c.yamada, "Certainly. Including the help pages, the total becomes 4,850 euros and delivery moves by one week. I have updated the quotation accordingly."},
			{nil, "That works for us. I'll send the signed order tomorrow morning and add you to the shared glossary so your team can see our terms."},
		}},
		{subject: "Talk proposal: stateless webmail", to: &c.alexis, steps: []threadStep{
			{nil, "I'd like to submit a talk for the autumn meetup: how we run webmail on identical stateless instances, what we keep in Redis, and what we learned about replica lag. About 30 minutes including questions."},
			{&c.alexis, "That sounds like a great fit. Could you send a short abstract, two or three sentences, and tell me whether you need anything special for the demo?"},
			{nil, "Abstract: webmail looks like a stateful application, but it doesn't have to be. This talk shows how to run any number of identical instances behind a load balancer and lose any of them mid-request without users noticing. For the demo I only need a projector and a stable network."},
			{&c.alexis, "Thank you, the committee liked it a lot. You're in the second slot on Thursday, right after lunch. Slides by the Monday before, please."},
			{nil, "Wonderful, thank you! Is there a template for the slides, or can I use my own?"},
			{&c.alexis, "Your own is fine, just put the meetup logo on the first slide. I'll send travel details separately."},
		}},
		{subject: "Database migration on Saturday night", to: &c.kwame, steps: []threadStep{
			{nil, "Reminder that we're moving the database primary to the new host on Saturday night. The plan is in the wiki. I'd like us both on the call from 22:00 until the replicas have caught up."},
			{&c.kwame, "I'll be there. I ran the rehearsal on staging yesterday: the switch took four minutes and nobody was logged out. One replica needed a restart afterwards; I noted it in the plan."},
			{nil, "Great rehearsal notes. Let's add a check that the heartbeat row is fresh on every replica before we open the gates again."},
			{&c.kwame, "Done. I also set up an alert for replication lag above ten seconds during the night."},
			{nil, "Migration finished at 23:41, all replicas healthy, no errors in the logs. Thanks for the careful preparation, Kwame; that was the calmest migration we've had."},
		}},
		{subject: "Book club: what's next?", steps: []threadStep{
			{&c.zoe, "We finished the lighthouse novel last night. Everyone loved the ending except Marc, of course. It's your turn to pick the next book. Something shorter this time, please!"},
			{nil, "How about a collection of short stories? I've been meaning to read the new translation of Chekhov's stories. Each one takes about twenty minutes."},
			{&c.zoe, "Short stories are perfect. Let's meet on the first Wednesday of next month at the café near the station."},
		}},
		{subject: "Flat viewing on Tuesday", steps: []threadStep{
			{&c.oyvind, "Thanks for your interest in the flat on Harbour Street. I can show it on Tuesday at 17:30 or on Wednesday at 8:00. The flat gets the morning sun, so Wednesday shows it at its best."},
			{nil, "Tuesday at 17:30 works better for me. Is the storage room in the basement included in the rent?"},
			{&c.oyvind, "Yes, the storage room and a bicycle spot are included. Heating is extra, about 60 a month in winter. See you on Tuesday."},
			{nil, "Thanks for showing me around today. I'd like to apply for the flat. Which documents do you need from me?"},
		}},
	}
}

// addThreads files every scripted conversation. Each reply quotes the
// previous message; INBOX messages the user answered get \Answered.
func (g *generator) addThreads() {
	for _, t := range g.threads() {
		other := t.to
		if other == nil {
			other = t.steps[0].from
		}
		gap := time.Duration(2+g.rng.IntN(20)) * time.Hour
		span := time.Duration(len(t.steps)) * 26 * time.Hour
		start := g.now.Add(-span - time.Duration(g.rng.Int64N(int64(80*day-span))))
		date := start.Truncate(time.Second)

		var prev *seedMessage
		var prevText string
		var prevFrom person
		var refs []string
		for i, step := range t.steps {
			from, mailbox := g.people.me, "Sent"
			if step.from != nil {
				from, mailbox = *step.from, "INBOX"
			}
			to := []person{*other}
			if step.from != nil {
				to = []person{g.people.me}
			}
			var cc []person
			for _, p := range t.cc {
				if p.address != from.address {
					cc = append(cc, *p)
				}
			}
			if step.from != nil && step.from.address != other.address {
				cc = append(cc, *other) // a third party replies to all
			}
			greet := other.greet
			if step.from != nil {
				greet = firstName(g.people.me.name)
			}
			body := letter(greet, []string{step.text}, pick(g, signoffs()), firstName(from.name))
			subject := t.subject
			if i > 0 {
				subject = "Re: " + t.subject
				body += "\n" + quoted(prevFrom, prev.date, from.zone, prevText)
			}
			env := envelope{from: from, to: to, cc: cc, subject: subject, date: date}
			if prev != nil {
				env.inReplyTo = prev.messageID
				env.references = append([]string(nil), refs...)
			}
			m := g.add(mailbox, env, textPart("plain", body))
			if prev != nil && step.from == nil && prev.mailbox == "INBOX" {
				prev.answered = true
			}
			refs = append(refs, m.messageID)
			prev, prevText, prevFrom = m, body, from
			date = date.Add(gap + time.Duration(g.rng.IntN(120))*time.Minute)
			if date.After(g.now) {
				date = g.now.Add(-time.Minute)
			}
		}
	}
}

// firstName is the first word of a display name, or all of it for names
// written without spaces.
func firstName(name string) string {
	for i, r := range name {
		if r == ' ' {
			return name[:i]
		}
	}
	return name
}
