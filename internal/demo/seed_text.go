package demo

// topic is a pool of subjects and sentences for one kind of conversation.
// Placeholders in braces ({weekday}, {project}, ...) are filled per message.
type topic struct {
	subjects  []string
	sentences []string
}

func workTopic() topic {
	return topic{
		subjects: []string{
			"{project} status update", "Quick question about {project}", "Notes from {weekday}'s meeting",
			"Moving our 1:1", "Draft: {project} rollout plan", "Can you review my changes?",
			"Out of office next week", "Feedback on the design doc", "Staging is back up",
			"Load test results", "Handover for {project}", "Agenda for {weekday}",
			"Naïve question about the session store", "Retro notes — sprint {n}", "Budget for {month}",
		},
		sentences: []string{
			"I've pushed the changes for {project} to a branch; could you take a look when you have a moment?",
			"The numbers from last week look better than expected, mostly thanks to the caching work.",
			"Can we move our one-on-one to {weekday} at {time}? Something came up in the morning.",
			"The customer asked again about the export feature, and I told them it's planned but not dated.",
			"I'm out of the office from {weekday} until the end of next week, and {colleague} will cover for me.",
			"We should write down the decision about the session store before everyone forgets why we made it.",
			"The staging server ran out of disk space again overnight, so I cleaned up the old logs.",
			"Let me know if the plan works for you, or if you'd rather discuss it at the stand-up.",
			"I had a chat with {colleague} and we agreed to keep the old API for one more release.",
			"The review found two small issues; both are fixed now and the tests are green.",
			"Could you send me the slides from {weekday}? I'd like to reuse the architecture diagram.",
			"Heads-up: the {project} demo for the leadership team is now on {weekday} at {time}.",
			"I've added you to the on-call rotation starting in {month}; the schedule is in the wiki.",
			"The load test reached twice our normal traffic without a single error, which is a good sign.",
			"Nobody has complained about the new search yet, which I take as a compliment.",
			"I'd like a second opinion on the retry logic before we turn it on for everyone.",
			"The new replica caught up within a minute, much faster than the old one ever did.",
			"If we split the ticket in two, the first half could ship before the holidays.",
			"I left a few comments in the document, mostly about naming and one about error handling.",
			"The dashboard now shows the queue length per instance, which should make the next incident easier.",
			"Please don't merge anything into the release branch until {colleague} has tagged it.",
			"I'm not sure the estimate includes the migration, so I added a day to be safe.",
		},
	}
}

func personalTopic() topic {
	return topic{
		subjects: []string{
			"Long time no see", "Walk on {weekday}?", "Coffee soon?", "Trip to {place}",
			"Photos from the weekend 📷", "Thank you!", "Concert on {weekday}", "Quick hello",
			"Are you around next week?", "Café on {weekday}?", "Crème brûlée recipe",
			"Saludos desde {place} ☀️", "Birthday plans", "That book I mentioned",
		},
		sentences: []string{
			"It was so good to see you last weekend; we shouldn't wait another year until the next time.",
			"The kids are back at school and the house is suddenly very quiet.",
			"I finally tried the bakery you recommended, and you were right about the cardamom buns.",
			"Are you free for a walk on {weekday}? The weather is supposed to be lovely.",
			"I'm reading a book about the history of maps, and I think you'd enjoy it.",
			"We're planning a short trip to {place} in the spring; do you have any tips?",
			"My sister says hello; she still talks about your birthday party.",
			"Let me know when you're back in town, the first coffee is on me.",
			"The garden is finally producing more tomatoes than we can eat.",
			"Did you ever find out what happened with the flat upstairs?",
			"I've started running in the mornings, slowly, but almost every day.",
			"Our choir has a concert on {weekday} at {time}, and you'd be very welcome.",
			"Thanks again for your help with the move; I owe you a dinner.",
			"The train to {place} was delayed by an hour, but the view made up for it.",
			"I found the recipe you asked for: the trick is to let the dough rest overnight.",
			"We adopted a cat from the shelter; she has already claimed the best chair.",
			"I'm thinking of taking a pottery class in {month}, if you want to join me.",
			"The photos from the lake turned out better than I expected.",
		},
	}
}

func familyTopic() topic {
	return topic{
		subjects: []string{
			"Almoço de domingo", "Fotos da praia 🏖️", "Avó's birthday", "Receita de pão de queijo",
			"Christmas plans", "Tiago passed his driving test!", "Visiting in {month}", "Saudades!",
		},
		sentences: []string{
			"Avó wants everyone at her place for lunch on Sunday, and she says no excuses this time.",
			"Tiago passed his driving test on the first try, so please be careful on the roads.",
			"Don't forget to call Avó on her birthday; she pretends not to mind, but she does.",
			"Here are a few photos from the beach; the water was colder than it looks.",
			"The recipe is simple: cheese, tapioca flour, milk, oil and eggs, baked until golden.",
			"We're thinking of coming to visit in {month}, if that suits you.",
			"João says the new job is going well, although the commute is long.",
			"The old house in the village finally has a new roof.",
			"Mãe sends kisses and asks whether you're eating properly.",
			"We should plan the summer holidays early this year, before the flights get expensive.",
			"The little one lost her first tooth and is very proud of the gap.",
			"Can you bring the big pot on Sunday? Ours is too small for everyone.",
		},
	}
}

// fillers returns the words that replace each placeholder.
func fillers() map[string][]string {
	return map[string][]string{
		"project": {"Atlas", "the webmail", "the search index", "the billing export", "the mobile app", "the login flow"},
		"weekday": {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"},
		"time":    {"9:30", "10:00", "11:15", "13:00", "14:30", "16:00"},
		"place":   {"Lisbon", "Kyoto", "Porto", "Thessaloniki", "Bergen", "Montréal", "Valencia", "Kraków"},
		"month":   {"March", "April", "May", "June", "September", "October", "November"},
	}
}

// signoffs are the closing words before a signature.
func signoffs() []string {
	return []string{"Best", "Cheers", "Thanks", "Talk soon", "Kind regards", "All the best", "Best wishes"}
}
