package handlers

import (
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/templates/pages"
)

// messageLinks are the URLs of one message's views, for a message in a
// mailbox and for a message attached to another alike.
type messageLinks struct {
	page     string // the message page itself (remote images are asked for with ?images=1)
	body     string // the sandboxed HTML body document
	raw      string // the .eml download
	partBase string // a part's download URL is partBase + prefix + part ID
	prefix   string // "" in a mailbox message; "2:" in the message attached as part 2
	trust    string // POST target for "always show images from this sender"
	part     string // the attached message's part path, "" for a mailbox message
}

// messageView turns what the application shows of a message into the
// page's view model, with the message's links.
func (s *Server) messageView(c echo.Context, msg app.MessageDisplay, links messageLinks) pages.MessageView {
	view := pages.MessageView{
		Frame:    s.frame(c, subjectOrPlaceholder(msg.Subject)),
		Subject:  subjectOrPlaceholder(msg.Subject),
		From:     addressList(msg.From),
		To:       addressList(msg.To),
		Cc:       addressList(msg.Cc),
		RawURL:   links.raw,
		TextHTML: msg.TextHTML,
	}
	when := shownTime(c.Request().Context(), msg.Date, time.Now(), msg.TimeZone)
	view.Date, view.DateShort, view.DateISO = when.Full, when.Long, when.ISO
	if view.From == "" {
		view.From = "(unknown sender)"
	}
	if reply := addressList(msg.ReplyTo); reply != "" && reply != view.From {
		view.ReplyTo = reply
	}
	for _, h := range msg.Headers {
		view.Headers = append(view.Headers, pages.HeaderLine{Name: h.Key, Value: h.Value})
	}
	view.MonospaceText = msg.MonospaceText
	if msg.HasHTML {
		remoteContentView(&view, msg.Remote, links)
		// The colours switch: in place with JavaScript, by reloading
		// without (the body document then leaves the colours alone too).
		view.OriginalColours = c.QueryParam("colours") == "original"
		view.ColoursURL = toggledQuery(c, "colours", "original")
		if view.OriginalColours {
			view.BodyURL = withQuery(view.BodyURL, "original", "1")
		}
	}
	view.Attachments = attachmentItems(msg.Attachments, links)
	return view
}

// remoteContentView shows the application's remote-content decision: the
// body document's URL asks for remote content when it is shown; blocked
// content gets both ways to show it.
func remoteContentView(view *pages.MessageView, remote app.RemoteContent, links messageLinks) {
	view.BodyURL = links.body
	if remote.Shown {
		view.BodyURL += "?images=1"
		view.ImagesShown = true
	}
	if remote.Blocked {
		view.BlockedRemote = true
		view.ShowImagesURL = links.page + "?images=1"
	}
	if remote.Sender != "" && links.trust != "" {
		view.Trust = &pages.SenderTrust{Sender: remote.Sender, URL: links.trust, Part: links.part, Trusted: remote.Trusted}
	}
}

// attachmentItems links the parts a user can download: thumbnails for
// raster images, a view link for attached messages.
func attachmentItems(list []app.Attachment, links messageLinks) []pages.Attachment {
	var out []pages.Attachment
	for _, a := range list {
		url := links.partBase + links.prefix + a.Part.ID
		item := pages.Attachment{
			Name:        a.Name,
			ContentType: a.Part.ContentType,
			Size:        formatSize(a.Part.Size),
			URL:         url,
		}
		if a.Preview {
			item.PreviewURL = url + "?inline=1"
		}
		if a.Viewable {
			item.ViewURL = url + "/view"
		}
		out = append(out, item)
	}
	return out
}
