package htmlsafe

import (
	"strings"
	"testing"
)

// TestSanitizeDropStyleBlocks: a message's <style> is kept for its own
// iframe and left out when the HTML is shown inside one of our documents.
func TestSanitizeDropStyleBlocks(t *testing.T) {
	html := `<style>table.headers{display:none} .hint{display:none}</style><p class="hint">From: ceo@bank.example</p>`
	kept, _ := Sanitize(html, Options{})
	if !strings.Contains(kept, "<style>") {
		t.Fatalf("the iframe body lost its styles: %q", kept)
	}
	dropped, _ := Sanitize(html, Options{DropStyleBlocks: true})
	if strings.Contains(dropped, "<style") || strings.Contains(dropped, "display:none") {
		t.Fatalf("style block kept: %q", dropped)
	}
	if !strings.Contains(dropped, "From: ceo@bank.example") {
		t.Fatalf("the text went too: %q", dropped)
	}
}
