package cluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestMemoryPersistsAcrossOpens(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	m, err := OpenMemory(dir)
	if err != nil {
		t.Fatalf("fresh state dir: %v", err)
	}
	at := time.Now().Add(-time.Second).Truncate(time.Millisecond)
	m.Failed("http://a/v", at)
	m.Succeeded("http://b/v", 40*time.Millisecond)
	if err := m.Flush(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, stateFile))
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("state file mode %v, want 0600", mode)
	}

	again, err := OpenMemory(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := again.Record("http://a/v")
	if !ok || !r.FailedAt.Equal(at) || r.Failures != 1 {
		t.Errorf("record of a after reopen = %+v, %v; want failure at %v", r, ok, at)
	}
	if lat, ok := again.Latency("http://b/v"); !ok || lat != 40*time.Millisecond {
		t.Errorf("latency of b after reopen = %v, %v; want 40ms", lat, ok)
	}
}

func TestCorruptStateGivesWarningAndKeepsTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := []byte("{not json")
	if err := os.WriteFile(filepath.Join(dir, stateFile), bad, 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := OpenMemory(dir)
	var corrupt *CorruptStateError
	if !errors.As(err, &corrupt) {
		t.Fatalf("OpenMemory on a corrupt file: err = %v, want a CorruptStateError", err)
	}
	if m == nil {
		t.Fatal("no memory returned with the warning")
	}
	m.Failed("http://a/v", time.Now())
	if err := m.Flush(); err != nil {
		t.Fatalf("flush over a corrupt file: %v", err)
	}
	kept, err := os.ReadFile(filepath.Join(dir, stateFile+".corrupt"))
	if err != nil || string(kept) != string(bad) {
		t.Errorf("corrupt file not kept aside: %q, %v", kept, err)
	}
	if _, err := OpenMemory(dir); err != nil {
		t.Errorf("state after rewrite: %v", err)
	}
}

func TestUnreadableStateGivesWarning(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A directory where the file should be cannot be read, even by root.
	if err := os.Mkdir(filepath.Join(dir, stateFile), 0o700); err != nil {
		t.Fatal(err)
	}
	m, err := OpenMemory(dir)
	if err == nil || m == nil {
		t.Fatalf("OpenMemory = %v, %v; want an empty memory and a warning", m, err)
	}
	m.Failed("http://a/v", time.Now())
	if err := m.Flush(); err != nil {
		t.Fatalf("flush after an unreadable state: %v", err)
	}
	if info, err := os.Stat(filepath.Join(dir, stateFile+".corrupt")); err != nil || !info.IsDir() {
		t.Errorf("the unreadable entry was not kept aside: %v", err)
	}
	if _, err := OpenMemory(dir); err != nil {
		t.Errorf("state after recovery: %v", err)
	}
}

// TestConcurrentWritersLoseNothing runs many memories on one directory at
// once, as several clusterplay processes would: every record survives.
func TestConcurrentWritersLoseNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const writers, each = 8, 20
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := OpenMemory(dir)
			if err != nil {
				t.Error(err)
				return
			}
			for i := range each {
				m.Failed(fmt.Sprintf("http://w%d-%d/v", w, i), time.Now())
				if err := m.Flush(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	m, err := OpenMemory(dir)
	if err != nil {
		t.Fatal(err)
	}
	for w := range writers {
		for i := range each {
			if _, ok := m.Record(fmt.Sprintf("http://w%d-%d/v", w, i)); !ok {
				t.Errorf("record w%d-%d lost", w, i)
			}
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, stateFile+".tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestMergeKeepsTheNewerRecord(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, _ := OpenMemory(dir)
	b, _ := OpenMemory(dir)
	old := time.Now().Add(-time.Minute)
	a.Failed("http://h/v", old)
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	b.Succeeded("http://h/v", 10*time.Millisecond) // newer: clears the failure
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	a.Failed("http://other/v", time.Now())
	if err := a.Flush(); err != nil { // a learns b's news on flush
		t.Fatal(err)
	}
	if r, _ := a.Record("http://h/v"); !r.FailedAt.IsZero() {
		t.Errorf("a still remembers h as failed after b's newer success: %+v", r)
	}
}

func TestPruneBoundsTheFile(t *testing.T) {
	t.Parallel()
	now := time.Now()
	records := map[string]HostRecord{"old": {Updated: now.Add(-recordMaxAge - time.Hour)}}
	for i := range maxRecords + 10 {
		records[fmt.Sprint(i)] = HostRecord{Updated: now.Add(-time.Duration(i) * time.Second)}
	}
	prune(records, now)
	if _, ok := records["old"]; ok {
		t.Error("a record past the maximum age was kept")
	}
	if len(records) != maxRecords {
		t.Errorf("kept %d records, want %d", len(records), maxRecords)
	}
	if _, ok := records["0"]; !ok {
		t.Error("the newest record was dropped")
	}
}
