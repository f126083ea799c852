package attachments_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/webmail/webmail/attachments"
)

func TestValidKey(t *testing.T) {
	longSegment := strings.Repeat("s", attachments.MaxKeySegmentLength)
	for _, tc := range []struct {
		key   string
		valid bool
	}{
		{"a", true},
		{"uploads/2024/06/3f2a9c.bin", true},
		{"A-Z_a-z.0-9", true},
		{"...", true}, // only "." and ".." are special
		{".hidden", true},
		{"a.", true},
		{"-", true},
		{longSegment, true},
		{longSegment + "/" + strings.Repeat("t", attachments.MaxKeyLength-len(longSegment)-1), true},

		{"", false},
		{".", false},
		{"..", false},
		{"../etc/passwd", false},
		{"a/../../b", false},
		{"a/..", false},
		{"./a", false},
		{"a/./b", false},
		{"/abs", false},
		{"a/", false},
		{"a//b", false},
		{`a\b`, false},
		{`..\..\x`, false},
		{"a\x00b", false},
		{"a b", false},
		{"a%2F..", false},
		{"a:b", false},
		{"C:", false},
		{"a~", false},
		{"\u00e9", false},
		{"a\tb", false},
		{strings.Repeat("a", attachments.MaxKeyLength+1), false},
		{longSegment + "s", false},
	} {
		err := attachments.ValidKey(tc.key)
		if tc.valid && err != nil {
			t.Errorf("ValidKey(%q) = %v, want nil", tc.key, err)
		}
		if !tc.valid && !errors.Is(err, attachments.ErrInvalidKey) {
			t.Errorf("ValidKey(%q) = %v, want ErrInvalidKey", tc.key, err)
		}
	}
}
