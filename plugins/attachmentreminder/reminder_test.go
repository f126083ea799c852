package attachmentreminder_test

import (
	"context"
	"errors"
	"testing"

	"github.com/webmail/webmail/plugins"
	"github.com/webmail/webmail/plugins/attachmentreminder"
)

func TestMentions(t *testing.T) {
	r := attachmentreminder.New("beiliegend")
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"Please find attached the report.", true},
		{"The contract is ATTACHED.", true},
		{"Anbei die Rechnung.", true},
		{"Die Zahlen stehen im Anhang.", true},
		{"Veuillez trouver ci-joint le devis.", true},
		{"Voir la pièce jointe.", true},
		{"Te envío el archivo adjunto.", true},
		{"beiliegend die Unterlagen", true},
		{"See you tomorrow.", false},
		{"He is detached from reality.", false},                // a word containing "attached"
		{"Ich bin anbeinahe fertig.", false},                   // not a word of its own
		{"> Please find attached the report.\nThanks!", false}, // quoted
		{"Thanks!\n-- \nAttachments are scanned for viruses.", false},
	} {
		if got := r.Mentions(tc.text); got != tc.want {
			t.Errorf("Mentions(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestBeforeSendVetoesOnce(t *testing.T) {
	r := attachmentreminder.New()
	msg := &plugins.Outgoing{Subject: "Report", Text: "Anbei der Bericht."}
	var veto *plugins.Veto
	if err := r.BeforeSend(context.Background(), msg); !errors.As(err, &veto) || !veto.Confirmable || veto.Message != attachmentreminder.Message {
		t.Fatalf("BeforeSend without an attachment = %v, want a confirmable veto", err)
	}
	msg.SendAnyway = true
	if err := r.BeforeSend(context.Background(), msg); err != nil {
		t.Errorf("BeforeSend after the user confirmed = %v, want nil", err)
	}
	msg.SendAnyway, msg.AttachmentNames = false, []string{"bericht.pdf"}
	if err := r.BeforeSend(context.Background(), msg); err != nil {
		t.Errorf("BeforeSend with an attachment = %v, want nil", err)
	}
}
