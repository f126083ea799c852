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

// keyArgs says which arguments of each i18n function are catalog keys.
// N's key is its "other" text; its "one" text is English only.
var keyArgs = map[string][]int{"T": {1}, "N": {3}, "Date": {2}, "Mark": {0}}

// messageArgs are the functions outside package i18n whose literal
// arguments are catalog keys, translated where they are shown: the error
// constructors of package app and handlers (their Title and Message) and
// the page title of the layout (handlers' s.frame(c, "Sign in")).
var messageArgs = map[string][]int{
	"Errorf": {1, 2}, "Invalid": {0, 1}, "signedOut": {0}, "folderNameRefused": {0},
	"badAction": {0}, "vetoError": {0}, "formRefused": {0}, "frame": {1}, "setListStatus": {1},
	"builderRefusal": {0},
}

// messageFields are the fields of error types (app.Error, handlers'
// UserError, app.FieldError) whose literal values are catalog keys.
var messageFields = map[string]bool{"Title": true, "Message": true}
var messageTypes = map[string]bool{"Error": true, "UserError": true, "FieldError": true}

// TestCatalogHasEveryKey is the catalog check of `make test`: every key the
// code passes as a literal to i18n.T, N, Date or Mark (generated *_templ.go
// included, since templates call T there), and every literal title and
// message of an error (app.Error, UserError, their constructors) and of a
// page (s.frame), must be in the German catalog, with plural forms for N.
// It names the file and line of each missing one.
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
	type scannedFile struct {
		path, pkg string
		file      *ast.File
	}
	var files []scannedFile
	consts := map[string]string{} // "pkg.Name" -> value of string constants
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
		rel, _ := filepath.Rel(root, path)
		files = append(files, scannedFile{path: filepath.ToSlash(rel), pkg: file.Name.Name, file: file})
		for _, decl := range file.Decls {
			collectConsts(consts, file.Name.Name, decl)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("scanning the module: %v", err)
	}
	var uses []keyUse
	for _, f := range files {
		add := func(expr ast.Expr, plural bool) {
			key, ok := stringValue(expr, f.pkg, consts)
			if !ok || key == "" {
				return
			}
			uses = append(uses, keyUse{key: key, plural: plural, pos: fmt.Sprintf("%s:%d", f.path, fset.Position(expr.Pos()).Line)})
		}
		ast.Inspect(f.file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if name := i18nFunc(n.Fun, f.pkg == "i18n"); name != "" {
					for _, i := range keyArgs[name] {
						if i < len(n.Args) {
							add(n.Args[i], name == "N")
						}
					}
					return true
				}
				if f.pkg == "mime" {
					for _, i := range mimeReasons[funcName(n.Fun)] {
						if i < len(n.Args) {
							add(n.Args[i], false)
						}
					}
				}
				if !userFacing(f.path, f.pkg) {
					return true
				}
				for _, i := range messageArgs[funcName(n.Fun)] {
					if i < len(n.Args) {
						add(n.Args[i], false)
					}
				}
			case *ast.CompositeLit:
				if f.pkg == "mime" && typeName(n.Type) == "FieldError" {
					for _, elt := range n.Elts {
						if kv, ok := elt.(*ast.KeyValueExpr); ok {
							if field, ok := kv.Key.(*ast.Ident); ok && (field.Name == "Field" || field.Name == "Reason") {
								add(kv.Value, false)
							}
						}
					}
					return true
				}
				if !userFacing(f.path, f.pkg) || !messageTypes[typeName(n.Type)] {
					return true
				}
				for _, elt := range n.Elts {
					if kv, ok := elt.(*ast.KeyValueExpr); ok {
						if field, ok := kv.Key.(*ast.Ident); ok && messageFields[field.Name] {
							add(kv.Value, false)
						}
					}
				}
			}
			return true
		})
	}
	sort.Slice(uses, func(i, j int) bool { return uses[i].pos < uses[j].pos })
	return uses
}

// mimeReasons are the message builder's refusals (package mail/mime) that
// app.builderRefusal shows the user: the field names and reasons are keys.
var mimeReasons = map[string][]int{"addressError": {0, 2}}

// userFacing says whether the error messages of a file reach the webmail
// user: the application and HTTP layers do, except the admin API's use
// cases (tokens, provisioning), whose answers are for operators' scripts.
func userFacing(path, pkg string) bool {
	if pkg != "app" && pkg != "handlers" {
		return false
	}
	base := filepath.Base(path)
	return !strings.HasPrefix(base, "admin_") && !strings.HasPrefix(base, "provision_")
}

// collectConsts records the package-level string constants of decl, so a
// message given by name (Message: msgWrongCredentials) is checked too.
func collectConsts(consts map[string]string, pkg string, decl ast.Decl) {
	gen, ok := decl.(*ast.GenDecl)
	if !ok || gen.Tok != token.CONST {
		return
	}
	for _, spec := range gen.Specs {
		vs := spec.(*ast.ValueSpec)
		for i, name := range vs.Names {
			if i >= len(vs.Values) {
				continue
			}
			if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if v, err := strconv.Unquote(lit.Value); err == nil {
					consts[pkg+"."+name.Name] = v
				}
			}
		}
	}
}

// stringValue is the string expr stands for when it is a literal or a
// string constant of the module (pkg is the package expr is written in).
func stringValue(expr ast.Expr, pkg string, consts map[string]string) (string, bool) {
	switch e := expr.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		v, err := strconv.Unquote(e.Value)
		return v, err == nil
	case *ast.Ident:
		v, ok := consts[pkg+"."+e.Name]
		return v, ok
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			v, ok := consts[x.Name+"."+e.Sel.Name]
			return v, ok
		}
	case *ast.CallExpr:
		// i18n.Mark("...") inside a message field: its own call is
		// checked already.
	}
	return "", false
}

// funcName is the name a call calls: f(...), x.f(...), s.f(...).
func funcName(fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// typeName is the name of a composite literal's type: Error, app.Error.
func typeName(t ast.Expr) string {
	switch t := t.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.SelectorExpr:
		return t.Sel.Name
	}
	return ""
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

// scriptCall finds the scripts' translated strings: webmail.t("key", ...)
// and webmail.tn(n, "one", "other") (a double-quoted literal, as the
// scripts are written).
var scriptCall = regexp.MustCompile(`webmail\.(t|tn)\((?:[^,()]+,\s*"(?:[^"\\]|\\.)*"\s*,\s*)?"((?:[^"\\]|\\.)*)"`)

// TestCatalogHasEveryScriptString: every string the scripts in
// static/files translate with webmail.t/tn has its German in a
// locales/de/js_*.json file, the ones whose translations the pages carry.
func TestCatalogHasEveryScriptString(t *testing.T) {
	files, _, err := readCatalogFiles(localeFiles)
	if err != nil {
		t.Fatal(err)
	}
	german := map[string]entry{}
	for _, f := range files["de"] {
		if strings.HasPrefix(filepath.Base(f.name), scriptFilePrefix) {
			for k, v := range f.entries {
				german[k] = v
			}
		}
	}
	scripts, err := filepath.Glob("../static/files/*.js")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts in ../static/files: %v", err)
	}
	var missing []string
	found := 0
	for _, path := range scripts {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range scriptCall.FindAllStringSubmatch(line, -1) {
				found++
				key, err := strconv.Unquote(`"` + m[2] + `"`)
				if err != nil {
					t.Errorf("%s:%d: %q is no plain string", path, i+1, m[2])
					continue
				}
				e, ok := german[key]
				switch {
				case !ok:
					missing = append(missing, fmt.Sprintf("%s:%d: %q has no German in i18n/locales/de/js_<area>.json", strings.TrimPrefix(path, "../"), i+1, key))
				case m[1] == "tn" && !e.isPlural():
					missing = append(missing, fmt.Sprintf("%s:%d: %q is counted (webmail.tn) but its German has no plural forms", strings.TrimPrefix(path, "../"), i+1, key))
				}
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d script strings miss a German translation:\n%s", len(missing), strings.Join(missing, "\n"))
	}
	t.Logf("%d translated strings in the scripts", found)
}
