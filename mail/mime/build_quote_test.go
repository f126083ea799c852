package mime

import (
	"testing"
	"time"
)

func TestQuoteText(t *testing.T) {
	original := "Hi,\r\n\r\nsee below.  \r\n> earlier quote\r\n\r\n-- \r\nJane\r\nSignature line\r\n"
	want := "On Tue, 5 Mar 2024 at 09:30, Jane Doe wrote:\n> Hi,\n>\n> see below.\n>> earlier quote\n"
	attribution := ReplyAttribution(time.Date(2024, 3, 5, 9, 30, 0, 0, time.UTC), Address{Name: "Jane Doe", Email: "jane@example.test"})
	if got := QuoteText(original, attribution); got != want {
		t.Errorf("QuoteText =\n%q\nwant\n%q", got, want)
	}
	if got := QuoteText("one\ntwo", ""); got != "> one\n> two\n" {
		t.Errorf("QuoteText without attribution = %q", got)
	}
	if got := ReplyAttribution(time.Time{}, Address{Email: "x@example.test"}); got != "x@example.test wrote:" {
		t.Errorf("ReplyAttribution without date or name = %q", got)
	}
	if got := ReplyAttribution(time.Time{}, Address{Name: "Evil\r\nBcc: x"}); got != "Evil Bcc: x wrote:" {
		t.Errorf("ReplyAttribution with a hostile name = %q", got)
	}
}

func TestReplyForwardSubject(t *testing.T) {
	for _, tc := range []struct{ in, reply, forward string }{
		{"Lunch", "Re: Lunch", "Fwd: Lunch"},
		{"Re: Lunch", "Re: Lunch", "Fwd: Re: Lunch"},
		{"RE: re: Lunch", "Re: Lunch", "Fwd: RE: re: Lunch"},
		{"Re[2]: Lunch", "Re: Lunch", "Fwd: Re[2]: Lunch"},
		{"AW: Re: Lunch", "Re: Lunch", "Fwd: AW: Re: Lunch"},
		{"Fwd: Lunch", "Re: Fwd: Lunch", "Fwd: Lunch"},
		{"FW: Fwd: Lunch", "Re: FW: Fwd: Lunch", "Fwd: Lunch"},
		{"Reply needed", "Re: Reply needed", "Fwd: Reply needed"},
		{"Re : spaced", "Re: spaced", "Fwd: Re : spaced"},
		{"", "Re: ", "Fwd: "},
		{"Line\r\nBcc: evil@example.test", "Re: Line Bcc: evil@example.test", "Fwd: Line Bcc: evil@example.test"},
	} {
		if got := ReplySubject(tc.in); got != tc.reply {
			t.Errorf("ReplySubject(%q) = %q, want %q", tc.in, got, tc.reply)
		}
		if got := ForwardSubject(tc.in); got != tc.forward {
			t.Errorf("ForwardSubject(%q) = %q, want %q", tc.in, got, tc.forward)
		}
	}
}

func TestForwardIntro(t *testing.T) {
	got := ForwardIntro(Address{Name: "Jane", Email: "jane@example.test"}, []Address{{Email: "bob@example.test"}},
		time.Date(2024, 3, 5, 9, 30, 0, 0, time.UTC), "Plans")
	want := "---------- Forwarded message ----------\nFrom: Jane <jane@example.test>\nDate: Tue, 5 Mar 2024 at 09:30\nSubject: Plans\nTo: bob@example.test\n\n"
	if got != want {
		t.Errorf("ForwardIntro =\n%q\nwant\n%q", got, want)
	}
}
