package handlers

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// partPathParam reads {part} from the route: a part path (see
// app.ParsePartPath), as written and split.
func partPathParam(c echo.Context) (string, []string, error) {
	path, err := url.PathUnescape(c.Param("part"))
	if err != nil {
		return "", nil, errBadAddress
	}
	ids, err := app.ParsePartPath(path)
	return path, ids, err
}
