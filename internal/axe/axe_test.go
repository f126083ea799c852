package axe

import (
	"os"
	"strings"
	"testing"
)

// TestVendoredWithLicence checks that the embedded axe-core is the one
// VERSIONS pins and that its licence came with it.
func TestVendoredWithLicence(t *testing.T) {
	versions, err := os.ReadFile("files/VERSIONS")
	if err != nil {
		t.Fatalf("files/VERSIONS missing (run internal/axe/vendor.sh): %v", err)
	}
	fields := strings.Fields(string(versions))
	if len(fields) != 3 || fields[0] != "axe-core" || !strings.HasPrefix(fields[2], "sha512:") {
		t.Fatalf("VERSIONS %q: want \"axe-core version sha512:...\"", versions)
	}
	if !strings.Contains(Script()[:200], "axe v"+fields[1]) {
		t.Errorf("axe.min.js does not start with the banner of version %s: %.200q", fields[1], Script())
	}
	if _, err := os.Stat("files/LICENSE"); err != nil {
		t.Errorf("licence missing: %v", err)
	}
}
