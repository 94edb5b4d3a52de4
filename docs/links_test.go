package docs

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
)

// maxReadmeLines: the README is the front page; the rest lives in docs/.
const maxReadmeLines = 350

var (
	fence    = regexp.MustCompile("(?ms)^```.*?^```[^\n]*$")
	codeSpan = regexp.MustCompile("`[^`\n]*`")
	link     = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	heading  = regexp.MustCompile(`(?m)^#{1,6} +(.+?) *#* *$`)
	scheme   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// prose is a markdown text without its code blocks and code spans, where
// a "](" or a "#" is code, not a link or a heading.
func prose(md string) string {
	return codeSpan.ReplaceAllString(fence.ReplaceAllString(md, ""), "")
}

// slug is the anchor a heading gets: lower case, spaces as hyphens,
// punctuation dropped (letters, digits, "-" and "_" kept), as GitHub
// writes it.
func slug(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '_':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// anchors lists the anchors of a markdown text's headings; a repeated
// heading gets "-1", "-2" after its slug. Code spans in a heading keep
// their text (only the backquotes go), so the fences alone are removed.
func anchors(md string) []string {
	seen := map[string]int{}
	var out []string
	for _, m := range heading.FindAllStringSubmatch(fence.ReplaceAllString(md, ""), -1) {
		s := slug(m[1])
		if n := seen[s]; n > 0 {
			out = append(out, fmt.Sprintf("%s-%d", s, n))
		} else {
			out = append(out, s)
		}
		seen[s]++
	}
	return out
}

// brokenLinks lists what is wrong with the relative links of one markdown
// file of fsys: a target that does not exist, or an anchor that no
// heading of the target has. Links with a scheme (https:, mailto:) are
// not followed.
func brokenLinks(fsys fs.FS, file string) []string {
	md, err := fs.ReadFile(fsys, file)
	if err != nil {
		return []string{err.Error()}
	}
	var broken []string
	for _, m := range link.FindAllStringSubmatch(prose(string(md)), -1) {
		target := m[1]
		if scheme.MatchString(target) {
			continue
		}
		name, anchor, _ := strings.Cut(target, "#")
		resolved := file
		if name != "" {
			resolved = path.Join(path.Dir(file), name)
		}
		if !fs.ValidPath(resolved) {
			broken = append(broken, fmt.Sprintf("%s: %s leaves the repository", file, target))
			continue
		}
		if _, err := fs.Stat(fsys, resolved); err != nil {
			broken = append(broken, fmt.Sprintf("%s: %s: no file %s", file, target, resolved))
			continue
		}
		if anchor == "" {
			continue
		}
		text, err := fs.ReadFile(fsys, resolved)
		if err != nil || !slices.Contains(anchors(string(text)), anchor) {
			broken = append(broken, fmt.Sprintf("%s: %s: %s has no heading #%s", file, target, resolved, anchor))
		}
	}
	return broken
}

// markdownFiles lists README.md and every page of docs/.
func markdownFiles(t *testing.T, fsys fs.FS) []string {
	t.Helper()
	pages, err := fs.Glob(fsys, "docs/*.md")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages in docs/ (%v)", err)
	}
	return append([]string{"README.md"}, pages...)
}

func TestReadmeIsAFrontPage(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(readme), "\n"); n >= maxReadmeLines {
		t.Errorf("README.md has %d lines, want under %d: move sections to docs/", n, maxReadmeLines)
	}
}

func TestLinksPointAtFilesAndHeadings(t *testing.T) {
	repo := os.DirFS("..")
	for _, file := range markdownFiles(t, repo) {
		for _, problem := range brokenLinks(repo, file) {
			t.Error(problem)
		}
	}
}

// TestReadmeLinksEveryPage: a page no one links to is a page no one reads.
func TestReadmeLinksEveryPage(t *testing.T) {
	repo := os.DirFS("..")
	readme, err := fs.ReadFile(repo, "README.md")
	if err != nil {
		t.Fatal(err)
	}
	var linked []string
	for _, m := range link.FindAllStringSubmatch(prose(string(readme)), -1) {
		name, _, _ := strings.Cut(m[1], "#")
		linked = append(linked, path.Clean(name))
	}
	for _, page := range markdownFiles(t, repo)[1:] {
		if !slices.Contains(linked, page) {
			t.Errorf("README.md does not link to %s", page)
		}
	}
}

// TestPagesBeginWithTitleAndSummary: each page opens with a one-line
// title and then a sentence that says what it covers.
func TestPagesBeginWithTitleAndSummary(t *testing.T) {
	repo := os.DirFS("..")
	for _, page := range markdownFiles(t, repo)[1:] {
		text, err := fs.ReadFile(repo, page)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(string(text), "\n", 4)
		if len(lines) < 3 || !strings.HasPrefix(lines[0], "# ") || lines[1] != "" ||
			!startsSentence(lines[2]) {
			t.Errorf("%s does not begin with \"# Title\", a blank line and a sentence", page)
		}
	}
}

// startsSentence: a line of prose, not a heading, table, list or code.
func startsSentence(line string) bool {
	if line == "" {
		return false
	}
	return !strings.ContainsAny(line[:1], "#|-*>` ")
}

func TestSlug(t *testing.T) {
	for _, c := range []struct{ title, want string }{
		{"Exit codes", "exit-codes"},
		{"`clusterplay relay` for other players", "clusterplay-relay-for-other-players"},
		{"Logs and secrets", "logs-and-secrets"},
		{"What it fixes in the original plugin", "what-it-fixes-in-the-original-plugin"},
		{"The house: how clusterplay is built", "the-house-how-clusterplay-is-built"},
		{"§1–4 (a) results", "14-a-results"},
	} {
		if got := slug(c.title); got != c.want {
			t.Errorf("slug(%q) = %q, want %q", c.title, got, c.want)
		}
	}
}

func TestBrokenLinks(t *testing.T) {
	fsys := fstest.MapFS{
		"README.md": {Data: []byte("# Top\n\n## Exit codes\n\n" +
			"[ok](docs/a.md) [ok](docs/a.md#second-part) [ok](#exit-codes) [web](https://example.com/x)\n" +
			"`[code](nowhere.md)`\n```\n[fenced](nowhere.md)\n```\n" +
			"[gone](docs/gone.md) [bad anchor](docs/a.md#third) [self](#nope)\n")},
		"docs/a.md": {Data: []byte("# A\n\n## Second part\n\n[up](../README.md#exit-codes) [out](../../x.md)\n")},
	}
	cases := []struct {
		file string
		want []string
	}{
		{"README.md", []string{
			"README.md: docs/gone.md: no file docs/gone.md",
			"README.md: docs/a.md#third: docs/a.md has no heading #third",
			"README.md: #nope: README.md has no heading #nope",
		}},
		{"docs/a.md", []string{"docs/a.md: ../../x.md leaves the repository"}},
	}
	for _, c := range cases {
		if got := brokenLinks(fsys, c.file); !slices.Equal(got, c.want) {
			t.Errorf("brokenLinks(%s) = %q, want %q", c.file, got, c.want)
		}
	}
}

func TestAnchorsOfRepeatedHeadings(t *testing.T) {
	got := anchors("# A\n\n## Notes\n\n```\n# not a heading\n```\n\n## Notes\n")
	want := []string{"a", "notes", "notes-1"}
	if !slices.Equal(got, want) {
		t.Errorf("anchors = %q, want %q", got, want)
	}
}
