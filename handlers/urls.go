package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"
)

// mailboxURL is the stable URL of a mailbox: /mail/{mailbox}, path-escaped.
func mailboxURL(mailbox string) string {
	return "/mail/" + url.PathEscape(mailbox)
}

// messageURL is the stable URL of a message: /mail/{mailbox}/{uid}.
func messageURL(mailbox string, uid uint32) string {
	return "/mail/" + url.PathEscape(mailbox) + "/" + strconv.FormatUint(uint64(uid), 10)
}

var errBadAddress = &UserError{Status: http.StatusNotFound, Title: "Not found", Message: "There is nothing at this address."}

// mailboxParam is the unescaped mailbox name from the path.
func mailboxParam(c echo.Context) (string, error) {
	name, err := url.PathUnescape(c.Param("mailbox"))
	if err != nil || name == "" || len(name) > 1000 {
		return "", errBadAddress
	}
	return name, nil
}

// uidParam is the message UID from the path: a positive 32-bit number.
func uidParam(c echo.Context) (uint32, error) {
	n, err := strconv.ParseUint(c.Param("uid"), 10, 32)
	if err != nil || n == 0 {
		return 0, errBadAddress
	}
	return uint32(n), nil
}

// messageParams reads {mailbox} and {uid} from the path.
func messageParams(c echo.Context) (string, uint32, error) {
	mailbox, err := mailboxParam(c)
	if err != nil {
		return "", 0, err
	}
	uid, err := uidParam(c)
	if err != nil {
		return "", 0, err
	}
	return mailbox, uid, nil
}
