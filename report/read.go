package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ReadReports reads the reports named by paths: files, or directories
// whose *.json files are read in name order. A file may hold event lines
// before its report (--json --report -): the report is its last line
// whose format is a clusterplay report's. The first file that cannot be
// read, or holds no report, is the error, naming it.
func ReadReports(paths []string) ([]Document, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		found, err := filepath.Glob(filepath.Join(p, "*.json"))
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no *.json report in the directory", p)
		}
		slices.Sort(found)
		files = append(files, found...)
	}
	docs := make([]Document, 0, len(files))
	for _, f := range files {
		d, err := readReport(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		docs = append(docs, d)
	}
	return docs, nil
}

func readReport(path string) (Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return Document{}, err
	}
	defer f.Close()
	return parseReport(f)
}

// parseReport finds the last report line of r.
func parseReport(r io.Reader) (Document, error) {
	var found *Document
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if !bytes.HasPrefix(line, []byte("{")) || !bytes.Contains(line, []byte(`"format"`)) {
			continue
		}
		var d Document
		if err := json.Unmarshal(line, &d); err != nil {
			return Document{}, fmt.Errorf("not a clusterplay report: %v", err)
		}
		if strings.HasPrefix(d.Format, "clusterplay-report/") {
			found = &d
		}
	}
	if err := sc.Err(); err != nil {
		return Document{}, err
	}
	if found == nil {
		return Document{}, fmt.Errorf("no clusterplay report in it (a JSON report, %s)", DocumentFormat)
	}
	return *found, nil
}

// Write writes the merged report in format, "json", "markdown" or
// "junit".
func (m Merged) Write(w io.Writer, format string) error {
	switch format {
	case "json", "":
		data, err := json.Marshal(m)
		if err != nil {
			return err
		}
		_, err = w.Write(append(data, '\n'))
		return err
	case "markdown":
		return m.WriteMarkdown(w)
	case "junit":
		return m.WriteJUnit(w)
	}
	return fmt.Errorf("no report format %q", format)
}
