package handlers

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
)

// uploadedFile is one file of the JSON answer to an upload.
type uploadedFile struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Size      int64  `json:"size"`
	SizeText  string `json:"sizeText"`
	URL       string `json:"url"`
	DeleteURL string `json:"deleteUrl"`
	Inline    bool   `json:"inline"`
}

// uploadError is the JSON answer to a refused upload.
type uploadError struct {
	Error string `json:"error"`
}

// addAttachments handles POST /compose/{id}/attachments: a
// multipart/form-data body whose "attachment" parts (one or more files)
// are streamed one by one into the attachment store, never parsed whole
// (the route has the large body limit; see bodyLimits). ?inline=1 marks
// images put into the rich-text body. compose.js sends Accept:
// application/json and gets the files back; a form post goes back to the
// compose page. A file over the limit is refused with 413 and a message
// that says the limit, and nothing of it is kept.
func (s *Server) addAttachments(c echo.Context) error {
	id, err := composeIDParam(c)
	if err != nil {
		return err
	}
	wantsJSON := strings.Contains(c.Request().Header.Get("Accept"), "application/json")
	files, err := s.streamUploads(c, id)
	if err != nil {
		if wantsJSON {
			ue := s.userError(c, err)
			s.Logger.Info("upload refused", "request_id", reqID(c), "status", ue.Status, "err", ue.Err)
			return c.JSON(ue.Status, uploadError{Error: ue.Message})
		}
		return err
	}
	if wantsJSON {
		return c.JSON(http.StatusOK, files)
	}
	return c.Redirect(http.StatusSeeOther, composeURL(id))
}

// streamUploads hands each file part of the body to the application as
// it arrives.
func (s *Server) streamUploads(c echo.Context, id string) ([]uploadedFile, error) {
	parts, err := uploadParts(c)
	if err != nil {
		return nil, err
	}
	files := []uploadedFile{}
	for {
		part, err := parts.NextPart()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, bodyError(err)
		}
		if part.FormName() != "attachment" || part.FileName() == "" {
			part.Close()
			continue
		}
		up, err := s.App.AddUpload(c.Request().Context(), currentSession(c), app.UploadInput{
			ComposeID: id, Filename: part.FileName(), ContentType: part.Header.Get("Content-Type"),
			Body: part, Inline: c.QueryParam("inline") == "1",
		})
		part.Close()
		if err != nil {
			return nil, uploadBodyError(err)
		}
		url := app.UploadURL(id, up.ID)
		files = append(files, uploadedFile{ID: up.ID, Name: up.Filename, Size: up.Size,
			SizeText: i18n.Size(c.Request().Context(), up.Size), URL: url, DeleteURL: url + "/delete", Inline: up.Inline})
	}
}

// uploadBodyError is a failed upload as the user sees it: the request
// body running over its limit (http.MaxBytesReader) is a 413 like the
// application's own limit.
func uploadBodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return bodyError(err)
	}
	return err
}
