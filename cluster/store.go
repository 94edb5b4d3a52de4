package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	dir      string
	readOnly bool // the dir cannot be written: read the memory, keep nothing
}

const (
	stateFile    = "memory.json"
	lockFile     = "memory.lock"
	stateVersion = 1
	// Records untouched for this long are dropped, and at most maxRecords
	// are kept, so the file cannot grow without bound.
	recordMaxAge = 30 * 24 * time.Hour
	maxRecords   = 4096
	// maxStateSize bounds what is read of the file: maxRecords records
	// take about 1 MiB, so a larger file was not written by clusterplay
	// (reading a 79 MB one took 8 s and 900 MB).
	maxStateSize = 4 << 20
	// staleTemp is the age past which a temporary file left by a writer
	// that died mid-write is removed.
	staleTemp = time.Minute
)

// ErrNoStateDir says the failure memory has nowhere to live.
var ErrNoStateDir = errors.New("failure memory off: no state dir (set HOME, XDG_STATE_HOME or --state-dir)")

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
//
// With no dir the memory lasts as long as the process (ErrNoStateDir says
// so); with a dir that cannot be written it is read but never written, and
// the warning says that once.
func OpenMemory(dir string) (*Memory, error) {
	m := NewMemory()
	if dir == "" {
		return m, ErrNoStateDir
	}
	s := &Store{dir: dir}
	if st, err := os.Stat(dir); err == nil && st.IsDir() && !dirWritable(dir) {
		s.readOnly = true
	}
	s.tidy()
	records, err := s.load()
	if records != nil {
		m.absorb(records, false)
	}
	if s.readOnly {
		err = errors.Join(err, fmt.Errorf("failure memory read-only: %s cannot be written; what this run learns is not kept", dir))
		return m, err
	}
	m.store = s
	return m, err
}

// tidy makes an existing state dir private (its file names say which
// hosts a user watches from) and removes temporary files that a writer
// killed mid-write left behind.
func (s *Store) tidy() {
	st, err := os.Lstat(s.dir)
	if err != nil || !st.IsDir() {
		return
	}
	if st.Mode().Perm()&0o077 != 0 {
		_ = os.Chmod(s.dir, st.Mode().Perm()&0o700)
	}
	temps, _ := filepath.Glob(filepath.Join(s.dir, stateFile+".tmp-*"))
	for _, t := range temps {
		if st, err := os.Lstat(t); err == nil && st.Mode().IsRegular() && time.Since(st.ModTime()) > staleTemp {
			_ = os.Remove(t)
		}
	}
}

// Path returns the state file's path.
func (s *Store) Path() string { return filepath.Join(s.dir, stateFile) }

func (s *Store) load() (map[string]HostRecord, error) {
	unlock, err := s.rlock()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case errors.Is(err, fs.ErrPermission) || errors.Is(err, errReadOnlyFS):
		// The lock file cannot be made here: read without it, and
		// never write.
		s.readOnly = true
		return s.read()
	case err != nil:
		return nil, &CorruptStateError{Path: s.Path(), Err: err}
	}
	defer unlock()
	return s.read()
}

func (s *Store) read() (map[string]HostRecord, error) {
	data, err := readCapped(s.Path(), maxStateSize)
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

// readCapped reads a regular file of at most limit bytes.
func readCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d MiB: not written by clusterplay", limit>>20)
	}
	return data, nil
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
	f, err := os.OpenFile(filepath.Join(s.dir, lockFile), os.O_RDWR|os.O_CREATE|noFollow, 0o600)
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
