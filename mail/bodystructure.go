package mail

import (
	"strings"

	"github.com/emersion/go-imap/v2"
)

// hasAttachments decides from a BODYSTRUCTURE whether to show a paperclip:
// a part with disposition attachment, or a leaf that is neither text nor
// an inline image with a Content-ID (those are pictures in the HTML), nor
// a signature. Text leaves count when they carry a file name and are not
// explicitly inline, as mime.ParseMessage lists them as attachments too.
func hasAttachments(bs imap.BodyStructure) bool {
	found := false
	bs.Walk(func(path []int, part imap.BodyStructure) bool {
		if found {
			return false
		}
		single, ok := part.(*imap.BodyStructureSinglePart)
		if !ok {
			if d := part.Disposition(); d != nil && strings.EqualFold(d.Value, "attachment") {
				found = true
			}
			return !found
		}
		found = leafIsAttachment(single)
		return !found
	})
	return found
}

func leafIsAttachment(part *imap.BodyStructureSinglePart) bool {
	disposition := ""
	if d := part.Disposition(); d != nil {
		disposition = strings.ToLower(d.Value)
	}
	if disposition == "attachment" {
		return true
	}
	mediaType := part.MediaType()
	switch {
	case strings.HasPrefix(mediaType, "text/"):
		return disposition != "inline" && part.Filename() != ""
	case mediaType == "application/pgp-signature", mediaType == "application/pkcs7-signature",
		mediaType == "application/x-pkcs7-signature":
		return false
	case strings.HasPrefix(mediaType, "image/") && part.ID != "":
		return false
	}
	return true
}
