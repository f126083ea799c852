package demo

import (
	"fmt"
	"html"
)

// addJunk is spam as spam filters see it: shouting subjects, a remote
// banner image and links to look-alike domains (all under .invalid).
func (g *generator) addJunk(mailbox string) {
	spam := pick(g, []struct{ name, address, subject, pitch string }{
		{"Prize Department", "winner@lucky-draw.example", "Congratulations! You have been selected", "You are our lucky winner of the monthly draw. Claim your prize before midnight."},
		{"Account Security Team", "security@acc0unt-verify.example", "Verify your mailbox within 24 hours", "Your mailbox will be suspended unless you verify your details today."},
		{"Mailbox Admin", "admin@mailbox-quota.example", "Final notice: your mailbox is 99% full", "Incoming messages are being held. Upgrade your storage now to receive them."},
		{"Parcel Service", "notice@parcel-redelivery.example", "Your package could not be delivered", "A small customs fee is required to release your package."},
		{"Dr. Richard Moore", "r.moore@fund-transfer.example", "Urgent and confidential business proposal", "I am contacting you about an unclaimed fund that I wish to transfer with your help."},
		{"Luxury Outlet", "sale@cheap-watches.example", "Designer watches -80% TODAY ONLY", "Genuine luxury watches at prices you will not believe."},
		{"Crypto Signals", "vip@moon-signals.example", "This coin will 50x next week", "Join our VIP group and never miss a pump again."},
		{"HR Department", "hr@payroll-update.example", "Action required: update your payroll details", "Please confirm your bank details so that your salary is paid on time."},
	})
	from := service(spam.name, spam.address)
	id := fmt.Sprintf("%08x", g.rng.Uint32())
	link := fmt.Sprintf("http://claim.example.invalid/?id=%s", id)
	text := spam.pitch + "\n\nClick here: " + link + "\n"
	htmlBody := fmt.Sprintf("<!DOCTYPE html>\n<html><body style=\"font-family: Verdana, sans-serif; text-align: center;\">\n"+
		"<img src=\"http://images.example.invalid/promo/banner-%s.jpg\" width=\"500\" height=\"200\" alt=\"\">\n"+
		"<h1 style=\"color: #d00;\">%s</h1>\n<p style=\"font-size: 16px;\">%s</p>\n"+
		"<p><a href=\"%s\" style=\"background: #0a0; color: #fff; padding: 12px 24px; font-size: 18px; text-decoration: none;\">CLAIM NOW</a></p>\n"+
		"<p style=\"font-size: 10px; color: #aaa;\">To stop receiving these messages click <a href=\"%s&unsub=1\">here</a>.</p>\n"+
		"</body></html>\n", id, html.EscapeString(spam.subject), html.EscapeString(spam.pitch), link, link)
	g.add(mailbox, envelope{
		from: from, to: []person{g.people.me}, subject: spam.subject, date: g.dateIn(mailbox),
		extra: []headerField{{"X-Spam-Flag", "YES"}, {"X-Spam-Score", fmt.Sprintf("%d.%d", 8+g.rng.IntN(10), g.rng.IntN(10))}},
	}, g.alternative(text, htmlBody))
}
