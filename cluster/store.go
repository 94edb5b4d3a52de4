package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Store keeps the failure memory in a file, as the original plugin kept it
// in the browser. Writers take an exclusive lock on a separate lock file,
// merge their news with the file's, and replace the file atomically (write a
// temporary file, fsync, rename), so concurrent processes lose no update and
// a reader never sees half a file.
type Store struct {
	dir string
}

const (
	stateFile    = "memory.json"
	lockFile     = "memory.lock"
	stateVersion = 1
	// Records untouched for this long are dropped, and at most maxRecords
	// are kept, so the file cannot grow without bound.
	recordMaxAge = 30 * 24 * time.Hour
	maxRecords   = 4096
)

type stateDoc struct {
	Version int                   `json:"version"`
	Hosts   map[string]HostRecord `json:"hosts"`
}

// CorruptStateError says that the state file could not be used; the memory
// starts empty and the bad file is kept beside the new one.
type CorruptStateError struct {
	Path string
	Err  error
}

func (e *CorruptStateError) Error() string {
	return fmt.Sprintf("ignoring failure memory %s: %v", e.Path, e.Err)
}
func (e *CorruptStateError) Unwrap() error { return e.Err }

// OpenMemory returns a memory backed by a store in dir. A state file that is
// corrupt or unreadable yields a warning (a *CorruptStateError) and an empty
// memory, never a failure: the memory is an optimisation.
func OpenMemory(dir string) (*Memory, error) {
	m := NewMemory()
	m.store = &Store{dir: dir}
	records, err := m.store.load()
	if records != nil {
		m.absorb(records)
	}
	return m, err
}

// Path returns the state file's path.
func (s *Store) Path() string { return filepath.Join(s.dir, stateFile) }

func (s *Store) load() (map[string]HostRecord, error) {
	unlock, err := s.rlock()
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, &CorruptStateError{Path: s.Path(), Err: err}
	}
	defer unlock()
	return s.read()
}

func (s *Store) read() (map[string]HostRecord, error) {
	data, err := os.ReadFile(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]HostRecord{}, nil
	}
	if err != nil {
		return nil, &CorruptStateError{Path: s.Path(), Err: err}
	}
	var doc stateDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, &CorruptStateError{Path: s.Path(), Err: err}
	}
	if doc.Version != stateVersion {
		return nil, &CorruptStateError{Path: s.Path(), Err: fmt.Errorf("unknown version %d", doc.Version)}
	}
	if doc.Hosts == nil {
		doc.Hosts = map[string]HostRecord{}
	}
	dropFuture(doc.Hosts, time.Now())
	return doc.Hosts, nil
}

// Merge writes changed records into the file where they are newer than the
// file's, and returns the merged content.
func (s *Store) Merge(changed map[string]HostRecord) (map[string]HostRecord, error) {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return nil, fmt.Errorf("failure memory: %w", err)
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, fmt.Errorf("failure memory: %w", err)
	}
	defer unlock()

	records, err := s.read()
	var corrupt *CorruptStateError
	if errors.As(err, &corrupt) {
		// Keep the bad file for whoever wants to look at it, then start anew.
		if rerr := os.Rename(s.Path(), s.Path()+".corrupt"); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			return nil, fmt.Errorf("failure memory: %w", err)
		}
		records = map[string]HostRecord{}
	}
	for k, r := range changed {
		if old, ok := records[k]; !ok || !old.Updated.After(r.Updated) {
			records[k] = r
		}
	}
	prune(records, time.Now())
	if err := s.write(records); err != nil {
		return nil, fmt.Errorf("failure memory: %w", err)
	}
	return records, nil
}

// futureTolerance is how far ahead of this clock a record may be dated and
// still count: a clock stepped back, or a state dir shared with a machine
// whose clock runs ahead, must not make a working host skipped until the
// clock catches up, nor outlive the success that clears it.
const futureTolerance = time.Second

// dropFuture forgets records dated after now (beyond the tolerance).
func dropFuture(records map[string]HostRecord, now time.Time) {
	limit := now.Add(futureTolerance)
	for k, r := range records {
		if r.Updated.After(limit) || r.FailedAt.After(limit) || r.SlowAt.After(limit) {
			delete(records, k)
		}
	}
}

func prune(records map[string]HostRecord, now time.Time) {
	for k, r := range records {
		if now.Sub(r.Updated) > recordMaxAge {
			delete(records, k)
		}
	}
	if len(records) <= maxRecords {
		return
	}
	keys := make([]string, 0, len(records))
	for k := range records {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return records[keys[i]].Updated.After(records[keys[j]].Updated) })
	for _, k := range keys[maxRecords:] {
		delete(records, k)
	}
}

func (s *Store) write(records map[string]HostRecord) error {
	data, err := json.MarshalIndent(stateDoc{Version: stateVersion, Hosts: records}, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.dir, stateFile+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename this is a no-op
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), s.Path()); err != nil {
		return err
	}
	if d, err := os.Open(s.dir); err == nil {
		_ = d.Sync() // make the rename itself durable
		d.Close()
	}
	return nil
}

// rlock takes a shared lock on the lock file, for reading. A store whose
// directory does not exist yet reports fs.ErrNotExist: there is nothing to
// read.
func (s *Store) rlock() (unlock func(), err error) {
	if _, err := os.Stat(s.dir); err != nil {
		return nil, err
	}
	return s.lockWith(lockFileShared)
}

// lock takes an exclusive lock on the lock file, for a merge.
func (s *Store) lock() (unlock func(), err error) { return s.lockWith(lockFileExclusive) }

// lockWith opens the lock file here rather than in the platform code, so
// that how it is opened is decided in one place for every system.
func (s *Store) lockWith(take func(*os.File) error) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(s.dir, lockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := take(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = unlockFile(f)
		f.Close()
	}, nil
}
