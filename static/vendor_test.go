package static

import (
	"io/fs"
	"os"
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
	if len(lines) < 3 {
		t.Fatalf("VERSIONS lists %d packages, want squire-rte, dompurify and lucide-static", len(lines))
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
		licence, served := false, false
		for _, e := range entries {
			licence = licence || strings.HasPrefix(e.Name(), "LICENSE")
			if strings.HasSuffix(e.Name(), ".js") || strings.HasSuffix(e.Name(), ".svg") {
				served = true
				if p := assets.Path("vendor/" + fields[0] + "/" + e.Name()); !strings.HasPrefix(p, "/static/vendor/") {
					t.Errorf("%s served at %q", e.Name(), p)
				}
			}
		}
		if !licence || !served {
			t.Errorf("%s: licence %v, served file (script or sprite) %v; want both", fields[0], licence, served)
		}
	}
}

// TestIconSpriteHasEveryListedIcon checks that the sprite was rebuilt after
// static/icons.txt changed: a name listed but missing from the sprite would
// draw a blank icon without any error.
func TestIconSpriteHasEveryListedIcon(t *testing.T) {
	list, err := os.ReadFile("icons.txt")
	if err != nil {
		t.Fatal(err)
	}
	sprite, err := fs.ReadFile(files, "files/vendor/lucide-static/sprite.svg")
	if err != nil {
		t.Fatalf("sprite missing (run static/vendor.sh): %v", err)
	}
	names := 0
	for _, line := range strings.Split(string(list), "\n") {
		name, _, _ := strings.Cut(line, "#")
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		names++
		if !strings.Contains(string(sprite), `<symbol id="`+name+`"`) {
			t.Errorf("icon %q is in icons.txt but not in the sprite: run static/vendor.sh", name)
		}
	}
	if got := strings.Count(string(sprite), "<symbol "); got != names {
		t.Errorf("sprite has %d icons, icons.txt lists %d: run static/vendor.sh", got, names)
	}
}
