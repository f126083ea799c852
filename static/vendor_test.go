package static

import (
	"io/fs"
	"strings"
	"testing"
)

// TestVendoredAssetsKeepLicences checks that every package vendor.sh pins
// is embedded with its licence, so a release never ships third-party code
// without it.
func TestVendoredAssetsKeepLicences(t *testing.T) {
	versions, err := fs.ReadFile(files, "files/vendor/VERSIONS")
	if err != nil {
		t.Fatalf("static/files/vendor/VERSIONS missing (run static/vendor.sh): %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(versions)), "\n")
	if len(lines) < 2 {
		t.Fatalf("VERSIONS lists %d packages, want squire-rte and dompurify", len(lines))
	}
	assets, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range lines {
		fields := strings.Fields(line)
		if len(fields) != 3 || !strings.HasPrefix(fields[2], "sha512:") {
			t.Fatalf("VERSIONS line %q: want \"name version sha512:...\"", line)
		}
		entries, err := fs.ReadDir(files, "files/vendor/"+fields[0])
		if err != nil {
			t.Fatalf("%s: %v", fields[0], err)
		}
		licence, script := false, false
		for _, e := range entries {
			licence = licence || strings.HasPrefix(e.Name(), "LICENSE")
			if strings.HasSuffix(e.Name(), ".js") {
				script = true
				if p := assets.Path("vendor/" + fields[0] + "/" + e.Name()); !strings.HasPrefix(p, "/static/vendor/") {
					t.Errorf("%s served at %q", e.Name(), p)
				}
			}
		}
		if !licence || !script {
			t.Errorf("%s: licence %v, script %v; want both", fields[0], licence, script)
		}
	}
}
