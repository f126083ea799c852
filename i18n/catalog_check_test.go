package i18n

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// keyUse is one literal catalog key found in the code.
type keyUse struct {
	key    string
	plural bool   // an N key: the catalog needs plural forms
	pos    string // file:line, relative to the module root
}

// keyArgs says which argument of each i18n function is a catalog key.
// N's key is its "other" text; its "one" text is English only.
var keyArgs = map[string]int{"T": 1, "N": 3, "Date": 2, "Mark": 0}

// TestCatalogHasEveryKey is the catalog check of `make test`: every key the
// code passes as a literal to i18n.T, N, Date or Mark (generated *_templ.go
// included, since templates call T there) must be in the German catalog,
// with plural forms for N. It names the file and line of each missing one.
func TestCatalogHasEveryKey(t *testing.T) {
	uses := scanKeyUses(t, "..")
	if len(uses) == 0 {
		t.Fatal("found no i18n call in the module: the scanner is broken")
	}
	german := mergedCatalog(t, "de")
	var missing []string
	for _, u := range uses {
		e, ok := german[u.key]
		switch {
		case !ok:
			missing = append(missing, fmt.Sprintf("%s: %q has no German (add it to i18n/locales/de/<area>.json)", u.pos, u.key))
		case u.plural && !e.isPlural():
			missing = append(missing, fmt.Sprintf("%s: %q is counted (i18n.N) but its German has no plural forms ({\"one\": ..., \"other\": ...})", u.pos, u.key))
		}
	}
	for _, key := range builtinKeys() {
		if _, ok := german[key]; !ok {
			missing = append(missing, fmt.Sprintf("i18n/format.go: %q (month or weekday name) has no German", key))
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d strings miss a German translation:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// builtinKeys are the keys format.go makes from Go's names rather than
// literals: months and weekdays, long and short.
func builtinKeys() []string {
	var keys []string
	for m := time.January; m <= time.December; m++ {
		keys = append(keys, m.String(), m.String()[:3])
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		keys = append(keys, d.String(), d.String()[:3])
	}
	return keys
}

// scanKeyUses parses every non-test Go file under root and returns the
// literal keys of i18n calls, sorted by position.
func scanKeyUses(t *testing.T, root string) []keyUse {
	t.Helper()
	var uses []keyUse
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "testdata", ".build", "vendor":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		inPackage := file.Name.Name == "i18n"
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := i18nFunc(call.Fun, inPackage)
			index, ok := keyArgs[name]
			if !ok || len(call.Args) <= index {
				return true
			}
			lit, ok := call.Args[index].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			key, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			p := fset.Position(lit.Pos())
			rel, _ := filepath.Rel(root, p.Filename)
			uses = append(uses, keyUse{key: key, plural: name == "N", pos: fmt.Sprintf("%s:%d", filepath.ToSlash(rel), p.Line)})
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatalf("scanning the module: %v", err)
	}
	sort.Slice(uses, func(i, j int) bool { return uses[i].pos < uses[j].pos })
	return uses
}

// i18nFunc is the name of the i18n function fun calls ("T"), or "".
func i18nFunc(fun ast.Expr, inPackage bool) string {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok && x.Name == "i18n" {
			return f.Sel.Name
		}
	case *ast.Ident:
		if inPackage {
			return f.Name
		}
	}
	return ""
}

func mergedCatalog(t *testing.T, lang string) map[string]entry {
	t.Helper()
	files, _, err := readCatalogFiles(localeFiles)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]entry{}
	for _, f := range files[lang] {
		for k, v := range f.entries {
			m[k] = v
		}
	}
	return m
}

// TestCatalogFilesAreConsistent: every language folder has its name, no
// key is translated twice (two areas would silently fight over it), and a
// translation keeps its key's format verbs, so %d and %s still get their
// arguments. A plural form may drop the count ("eine Nachricht").
func TestCatalogFilesAreConsistent(t *testing.T) {
	files, names, err := readCatalogFiles(localeFiles)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loadCatalogs(localeFiles); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir("locales")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range entries {
		if d.IsDir() && names[d.Name()] == "" {
			t.Errorf("locales/%s has no language.txt with the language's own name", d.Name())
		}
	}
	for lang, list := range files {
		seen := map[string]string{}
		for _, f := range list {
			for key, e := range f.entries {
				if other, dup := seen[key]; dup {
					t.Errorf("%s: %q is also in %s: keep one", f.name, key, other)
				}
				seen[key] = f.name
				want := verbs(key)
				for form, text := range e.forms {
					got := verbs(text)
					if got == want || (e.isPlural() && got == 0 && want == 1) {
						continue
					}
					t.Errorf("%s (%s): %q form %q has %d format verbs, the key %d", f.name, lang, key, form, got, want)
				}
			}
		}
	}
}

var verbPattern = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z]`)

func verbs(s string) int {
	return len(verbPattern.FindAllString(strings.ReplaceAll(s, "%%", ""), -1))
}
