package demo

import (
	"fmt"
	"html"
	"strings"
)

// vendor sells things and mails receipts.
type vendor struct {
	sender person
	kind   string // "Receipt" or "Invoice"
	items  []receiptItem
	pdf    bool // always attaches a PDF
}

type receiptItem struct {
	name  string
	cents int
}

func vendors() []vendor {
	return []vendor{
		{service("Paperleaf Books", "orders@paperleaf.example"), "Receipt", []receiptItem{
			{"The Lighthouse Keeper (paperback)", 1490}, {"A History of Maps", 2850}, {"Short Stories, new translation", 1899},
			{"Pocket notebook, dotted", 650}, {"Gift wrapping", 300},
		}, false},
		{service("Cloudbin", "billing@cloudbin.example"), "Invoice", []receiptItem{
			{"Cloudbin Pro plan (monthly)", 1200}, {"Extra storage, 100 GB", 250}, {"Custom domain", 100},
		}, true},
		{service("Nimbus Air", "bookings@nimbusair.example"), "Receipt", []receiptItem{
			{"Flight NA 204 Lisbon–Porto", 8900}, {"Seat 14A", 1200}, {"Checked bag, 23 kg", 2500},
		}, false},
		{service("Café Lumen", "hello@cafelumen.example"), "Receipt", []receiptItem{
			{"Coffee beans, Ethiopia 250 g", 1150}, {"Coffee beans, house blend 1 kg", 2990}, {"Oat milk, 6 pack", 1080},
		}, false},
		{service("Voltrail", "tickets@voltrail.example"), "Receipt", []receiptItem{
			{"Return ticket, second class", 4780}, {"Seat reservation", 450}, {"Bicycle ticket", 900},
		}, false},
	}
}

// addReceipt is an HTML receipt with a text version, often with the PDF
// invoice attached.
func (g *generator) addReceipt(mailbox string) {
	v := pick(g, vendors())
	order := fmt.Sprintf("%s-%06d", strings.ToUpper(v.sender.name[:2]), g.rng.IntN(1_000_000))
	var items []receiptItem
	for _, i := range g.rng.Perm(len(v.items))[:1+g.rng.IntN(len(v.items))] {
		items = append(items, v.items[i])
	}
	total := 0
	for _, it := range items {
		total += it.cents
	}
	vat := total * 23 / 123

	var text strings.Builder
	fmt.Fprintf(&text, "Thank you for your order!\n\n%s %s\n\n", v.kind, order)
	for _, it := range items {
		fmt.Fprintf(&text, "%-40s %10s\n", it.name, euros(it.cents))
	}
	fmt.Fprintf(&text, "\n%-40s %10s\n%-40s %10s\n\nQuestions? Just reply to this email.\n", "Total", euros(total), "of which VAT (23%)", euros(vat))

	var h strings.Builder
	h.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n<body style=\"font-family: Arial, sans-serif; color: #222;\">\n")
	fmt.Fprintf(&h, "<h2 style=\"margin-bottom: 4px;\">Thank you for your order!</h2>\n<p style=\"color: #666; margin-top: 0;\">%s %s</p>\n", v.kind, order)
	h.WriteString("<table cellpadding=\"6\" cellspacing=\"0\" style=\"border-collapse: collapse; min-width: 360px;\">\n")
	h.WriteString("<tr style=\"background: #f0f0f0;\"><th align=\"left\">Item</th><th align=\"right\">Price</th></tr>\n")
	for _, it := range items {
		fmt.Fprintf(&h, "<tr style=\"border-bottom: 1px solid #eee;\"><td>%s</td><td align=\"right\">%s</td></tr>\n", html.EscapeString(it.name), euros(it.cents))
	}
	fmt.Fprintf(&h, "<tr><td><b>Total</b></td><td align=\"right\"><b>%s</b></td></tr>\n<tr><td style=\"color: #666;\">of which VAT (23%%)</td><td align=\"right\" style=\"color: #666;\">%s</td></tr>\n</table>\n",
		euros(total), euros(vat))
	h.WriteString("<p style=\"font-size: 12px; color: #888;\">Questions? Just reply to this email.</p>\n</body></html>\n")

	body := g.alternative(text.String(), h.String())
	if v.pdf || g.chance(0.4) {
		lines := []string{"Order " + order, ""}
		for _, it := range items {
			lines = append(lines, fmt.Sprintf("%s  EUR %d.%02d", it.name, it.cents/100, it.cents%100))
		}
		lines = append(lines, "", fmt.Sprintf("Total  EUR %d.%02d", total/100, total%100))
		doc := pdfDocument(v.kind+" "+order, lines, g.now)
		body = g.mixed(body, filePart("application/pdf", strings.ToLower(v.kind)+"-"+order+".pdf", doc))
	}
	g.add(mailbox, envelope{
		from: v.sender, to: []person{g.people.me}, subject: fmt.Sprintf("Your %s %s %s", v.sender.name, strings.ToLower(v.kind), order), date: g.dateIn(mailbox),
	}, body)
}

// euros formats cents as "€12.34".
func euros(cents int) string {
	return fmt.Sprintf("€%d.%02d", cents/100, cents%100)
}
