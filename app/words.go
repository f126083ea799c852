package app

import (
	"fmt"
	"strings"
)

// CountNoun is "1 message", "3 messages", "2 matches": the counts in the
// messages the use cases write.
func CountNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "ch") || strings.HasSuffix(noun, "s") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
