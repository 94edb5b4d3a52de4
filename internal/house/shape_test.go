package house

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The limits every non-test Go file of the repository keeps.
const (
	maxFileLines = 500
	maxFuncLines = 80 // from the func keyword to the closing brace
)

// exempt are functions over the limit that another branch is rewriting,
// each as "file:function" with the reason; empty when none is. An entry
// whose function is back within the limit fails the test, so the list
// only ever shrinks; one whose function is gone is only noted, as the
// other branch may have removed it.
var exempt = map[string]string{}

// TestFileAndFunctionSizes: no non-test Go file over maxFileLines lines,
// no function (or function literal) over maxFuncLines.
func TestFileAndFunctionSizes(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	seen := map[string]bool{}   // exempted and still over the limit
	within := map[string]bool{} // exempted, and within the limit now
	var checked int
	for _, f := range goFiles(t, root, false) {
		rel, _ := filepath.Rel(root, f)
		rel = filepath.ToSlash(rel)
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		if n := fset.File(file.Pos()).LineCount(); n > maxFileLines {
			t.Errorf("%s is %d lines, over %d: split it by job", rel, n, maxFileLines)
		}
		long := longFunctions(fset, file)
		for name, n := range long {
			key := rel + ":" + name
			if _, ok := exempt[key]; ok {
				seen[key] = true
				continue
			}
			t.Errorf("%s is %d lines, over %d: split it", key, n, maxFuncLines)
		}
		for _, name := range funcNames(file) {
			if _, ok := exempt[rel+":"+name]; ok && long[name] == 0 {
				within[rel+":"+name] = true
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d files checked under %s: the walk is broken", checked, root)
	}
	for key, why := range exempt {
		switch {
		case within[key]:
			t.Errorf("%s is exempted (%s) but within %d lines now: drop the exemption", key, why, maxFuncLines)
		case !seen[key]:
			t.Logf("%s is exempted (%s) but not found: drop the exemption", key, why)
		}
	}
}

// funcNames are the names of file's functions and methods.
func funcNames(file *ast.File) []string {
	var out []string
	for _, d := range file.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok {
			out = append(out, fn.Name.Name)
		}
	}
	return out
}

// longFunctions are the functions of file over maxFuncLines, by name
// (a function literal by its enclosing function's, with "#literal").
func longFunctions(fset *token.FileSet, file *ast.File) map[string]int {
	out := map[string]int{}
	lines := func(n ast.Node) int { return fset.Position(n.End()).Line - fset.Position(n.Pos()).Line + 1 }
	for _, d := range file.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		if n := lines(fn); n > maxFuncLines {
			out[fn.Name.Name] = n
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if lit, ok := n.(*ast.FuncLit); ok {
				if l := lines(lit); l > maxFuncLines {
					out[fn.Name.Name+"#literal"] = max(out[fn.Name.Name+"#literal"], l)
				}
			}
			return true
		})
	}
	return out
}

// TestEveryPackageHasADoc: every package, a package of tests only
// included, says what it is for, in a doc comment on its package clause
// in one of its non-test files (where go doc and go list read it).
func TestEveryPackageHasADoc(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	documented := map[string]bool{}
	for _, f := range goFiles(t, root, true) {
		dir := filepath.Dir(f)
		if _, ok := documented[dir]; !ok {
			documented[dir] = false
		}
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if file.Doc != nil && strings.TrimSpace(file.Doc.Text()) != "" {
			documented[dir] = true
		}
	}
	if len(documented) < 10 {
		t.Fatalf("only %d packages found under %s: the walk is broken", len(documented), root)
	}
	for dir, ok := range documented {
		if !ok {
			rel, _ := filepath.Rel(root, dir)
			t.Errorf("package %s has no doc comment: add a doc.go saying what it is for", filepath.ToSlash(rel))
		}
	}
}

// goFiles are the repository's non-test Go files (and its test files
// too, with tests), outside testdata and hidden directories.
func goFiles(t *testing.T, root string, tests bool) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") && (tests || !strings.HasSuffix(p, "_test.go")) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// repoRoot is the directory of go.mod above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod above %s", dir)
		}
		dir = parent
	}
}
