package submit

import (
	"context"
	"strconv"

	"github.com/webmail/webmail/mail"
)

// MaxSize returns the largest message the server at ep accepts, from the
// SIZE extension of its EHLO reply (after STARTTLS, where the endpoint
// asks for it), so that an upload can be refused before it starts. It is
// 0 when the server advertises no limit. No login is needed: servers
// announce SIZE to everyone.
func MaxSize(ctx context.Context, ep mail.Endpoint, opts Options) (int64, error) {
	s, cancelSetup, err := open(ctx, ep, opts)
	if err != nil {
		return 0, err
	}
	defer cancelSetup()
	defer s.close()
	ok, value := s.client.Extension("SIZE")
	if !ok {
		return 0, nil
	}
	size, err := strconv.ParseInt(value, 10, 64)
	if err != nil || size < 0 {
		return 0, nil // "SIZE" alone, or garbage: no limit we can use
	}
	return size, nil
}
