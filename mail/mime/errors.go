package mime

import "errors"

// ErrNotFound reports a part id that names no leaf of the message: an
// unknown id, or the id of a multipart.
var ErrNotFound = errors.New("mime: part not found")

// ErrNotStreamable reports a body CopyDecoded will not decode as it
// arrives because deciding how would mean holding too much of it (a
// base64 body whose first line does not end). Nothing was written: decode
// the whole part with PartContent instead.
var ErrNotStreamable = errors.New("mime: body cannot be decoded as a stream")
