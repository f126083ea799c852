package demo

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Fixed PCG seeds: the same Now gives byte-identical mail on every start.
const seedA, seedB = 0x5eed_0f_de30, 0x0ba5e_ba11

// seedMessage is one generated message and where it goes.
type seedMessage struct {
	mailbox   string
	date      time.Time // Date header and INTERNALDATE
	raw       []byte
	messageID string
	seen      bool
	answered  bool
	flagged   bool
	draft     bool
}

// flags returns the IMAP flags the message is appended with.
func (m *seedMessage) flags() []imap.Flag {
	var flags []imap.Flag
	if m.seen {
		flags = append(flags, imap.FlagSeen)
	}
	if m.answered {
		flags = append(flags, imap.FlagAnswered)
	}
	if m.flagged {
		flags = append(flags, imap.FlagFlagged)
	}
	if m.draft {
		flags = append(flags, imap.FlagDraft)
	}
	return flags
}

// generator produces the sample mail of one account.
type generator struct {
	rng    *rand.Rand
	now    time.Time
	domain string
	people *cast
	words  map[string][]string
	serial int
	out    map[string][]*seedMessage
	charts [][]byte
	photos [][]byte
}

// seedAccount generates the account's sample mail and appends it, oldest
// first per folder so UIDs follow dates, with its flags and INTERNALDATE.
func seedAccount(acct *account, now time.Time) error {
	mail, err := generateMail(acct.address, acct.name, now)
	if err != nil {
		return err
	}
	for _, f := range Folders() {
		for _, m := range mail[f.Name] {
			opts := &imap.AppendOptions{Flags: m.flags(), Time: m.date}
			if _, err := acct.mail.Append(f.Name, bytes.NewReader(m.raw), opts); err != nil {
				return fmt.Errorf("demo: seed %s %s: %w", acct.address, f.Name, err)
			}
		}
	}
	return nil
}

// generateMail returns every folder's messages sorted by date, in exactly
// the numbers Folders announces.
func generateMail(address, name string, now time.Time) (map[string][]*seedMessage, error) {
	_, domain, _ := splitAddress(address)
	me := person{name: name, address: address, greet: name, zone: now.Location()}
	g := &generator{
		rng:    rand.New(rand.NewPCG(seedA, seedB)),
		now:    now.Truncate(time.Second),
		domain: domain,
		people: newCast(me, domain),
		words:  fillers(),
		out:    make(map[string][]*seedMessage),
	}
	g.charts = [][]byte{chartPNG([]int{35, 60, 45, 80, 70}), chartPNG([]int{90, 75, 60, 40, 55, 30})}
	g.photos = [][]byte{photoPNG(20), photoPNG(200), photoPNG(300)}

	g.addThreads()
	g.addSpecials()
	g.addDrafts()
	for _, f := range Folders() {
		have := len(g.out[f.Name])
		if have > f.Messages {
			return nil, fmt.Errorf("demo: seed %s: %d fixed messages exceed the %d planned", f.Name, have, f.Messages)
		}
		for range f.Messages - have {
			g.addFiller(f.Name)
		}
	}
	for _, f := range Folders() {
		msgs := g.out[f.Name]
		slices.SortStableFunc(msgs, func(a, b *seedMessage) int { return a.date.Compare(b.date) })
		g.assignFlags(f, msgs)
	}
	return g.out, nil
}

// splitAddress splits local@domain.
func splitAddress(address string) (local, domain string, ok bool) {
	at := strings.LastIndexByte(address, '@')
	if at < 0 {
		return address, "", false
	}
	return address[:at], address[at+1:], true
}

// dateRange is where a folder's messages fall: ages between min and max,
// skewed toward recent by bias (1 = uniform, higher = more recent mail).
type dateRange struct {
	min, max time.Duration
	bias     float64
}

const day = 24 * time.Hour

func folderDates(mailbox string) dateRange {
	switch mailbox {
	case "INBOX":
		return dateRange{10 * time.Minute, 90 * day, 1.8}
	case "Archive":
		return dateRange{14 * day, 90 * day, 1}
	case "Drafts":
		return dateRange{30 * time.Minute, 7 * day, 1}
	case "Junk", "Trash":
		return dateRange{time.Hour, 30 * day, 1.2}
	default:
		return dateRange{time.Hour, 90 * day, 1.3}
	}
}

// dateIn picks a send time for a message filed in mailbox.
func (g *generator) dateIn(mailbox string) time.Time {
	r := folderDates(mailbox)
	u := math.Pow(g.rng.Float64(), r.bias)
	age := r.min + time.Duration(float64(r.max-r.min)*u)
	return g.now.Add(-age).Truncate(time.Second)
}

// pick returns a random element.
func pick[T any](g *generator, items []T) T {
	return items[g.rng.IntN(len(items))]
}

// chance is true with probability p.
func (g *generator) chance(p float64) bool {
	return g.rng.Float64() < p
}

// assignFlags marks a folder's messages: drafts as drafts, a weighted
// choice of unseen messages favouring the newest (never ones already
// answered), and a few flagged ones.
func (g *generator) assignFlags(f Folder, msgs []*seedMessage) {
	for _, m := range msgs {
		m.seen = true
		m.draft = f.Name == "Drafts"
	}
	// Newest first, weight e^(-rank/40): recent mail is much more likely
	// to be unread, but older unread mail exists too.
	var candidates []*seedMessage
	for i := len(msgs) - 1; i >= 0; i-- {
		if !msgs[i].answered {
			candidates = append(candidates, msgs[i])
		}
	}
	weights := make([]float64, len(candidates))
	for rank := range candidates {
		weights[rank] = math.Exp(-float64(rank) / 40)
	}
	for range min(f.Unseen, len(candidates)) {
		var total float64
		for _, w := range weights {
			total += w
		}
		x := g.rng.Float64() * total
		chosen := -1
		for i, w := range weights {
			if w == 0 {
				continue
			}
			chosen = i // the last non-zero weight absorbs rounding
			if x -= w; x < 0 {
				break
			}
		}
		candidates[chosen].seen = false
		weights[chosen] = 0
	}
	flagged := map[string]int{"INBOX": 15, "Archive": 4, "Projects/Webmail": 3, "Sent": 2, "Receipts": 2}[f.Name]
	for range flagged {
		pick(g, msgs).flagged = true
	}
}
