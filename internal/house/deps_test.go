package house

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestShippedBinaryCarriesNoFaultKit: the demo's hosts come from package
// localhost, so the binary (package main at the module's root) links
// nothing of the tests' fault kit, loopback. The walk follows the imports
// of every non-test file, whatever its build constraints, so no platform's
// build may link it either.
func TestShippedBinaryCarriesNoFaultKit(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	deps := map[string][]string{} // package -> the packages that import it
	queue := []string{"clusterplay"}
	seen := map[string]bool{"clusterplay": true}
	for len(queue) > 0 {
		pkg := queue[0]
		queue = queue[1:]
		for _, imp := range ownImports(t, filepath.Join(root, strings.TrimPrefix(pkg, "clusterplay"))) {
			deps[imp] = append(deps[imp], pkg)
			if !seen[imp] {
				seen[imp] = true
				queue = append(queue, imp)
			}
		}
	}
	for _, want := range []string{"clusterplay/demo", "clusterplay/localhost"} {
		if !seen[want] {
			t.Fatalf("the walk never reached %s: it is broken (reached %v)", want, keys(seen))
		}
	}
	for pkg, by := range deps {
		if pkg == "clusterplay/loopback" || strings.HasPrefix(pkg, "clusterplay/loopback/") {
			t.Errorf("the binary links %s (imported by %v): the test fault kit must stay out of it", pkg, by)
		}
	}
}

// ownImports are the clusterplay packages the non-test Go files in dir
// import.
func ownImports(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "clusterplay/") && !slices.Contains(out, path) {
				out = append(out, path)
			}
		}
	}
	return out
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
