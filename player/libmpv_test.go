package player

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// helperEnv makes the test binary a helper process instead: init runs the
// named helper and exits, before TestMain (which creates an mpv core, and
// so loads libmpv) gets a chance to run.
const helperEnv = "CLUSTERPLAY_LIBMPV_HELPER"

func init() {
	mode, ok := os.LookupEnv(helperEnv)
	if !ok {
		return
	}
	var err error
	switch mode {
	case "no-player":
		err = helperNoPlayer()
	case "missing":
		err = helperMissing()
	case "not-mpv":
		err = helperNotMPV()
	default:
		err = fmt.Errorf("unknown helper %q", mode)
	}
	if err != nil {
		fmt.Println("HELPER FAIL:", err)
		os.Exit(1)
	}
	fmt.Println("HELPER OK")
	os.Exit(0)
}

// runHelper runs this test binary as the helper mode and returns its output.
func runHelper(t *testing.T, mode string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	// GORACE: a -race binary otherwise sleeps a second before exiting.
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "GORACE=atexit_sleep_ms=0")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "HELPER OK") {
		t.Fatalf("helper %s: %v\n%s", mode, err, out)
	}
	return string(out)
}

// mappedLibs returns the shared objects mapped into this process.
func mappedLibs() ([]string, error) {
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var libs []string
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) < 6 || !strings.Contains(f[5], ".so") || seen[f[5]] {
			continue
		}
		seen[f[5]] = true
		libs = append(libs, f[5])
	}
	return libs, nil
}

func libmpvMapped(libs []string) bool {
	for _, l := range libs {
		if strings.Contains(l, "/libmpv.so") {
			return true
		}
	}
	return false
}

// checkStatic checks the texts that must work without libmpv loaded.
func checkStatic() error {
	for _, c := range []struct{ got, want string }{
		{ErrLoadingFailed.Error(), "loading failed"},
		{ErrPropertyUnavailable.Error(), "property unavailable"},
		{Error(-99).Error(), "unknown error"},
		{eventEndFile.String(), "end-file"},
		{eventPlaybackRestart.String(), "playback-restart"},
		{mpvEventID(99).String(), "event-99"},
	} {
		if c.got != c.want {
			return fmt.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	return nil
}

// helperNoPlayer does what a process that never plays does with the
// package, then checks that libmpv never got mapped.
func helperNoPlayer() error {
	if err := checkStatic(); err != nil {
		return err
	}
	if !errors.Is(fmt.Errorf("x: %w", ErrCommand), ErrCommand) {
		return errors.New("errors.Is broken")
	}
	libs, err := mappedLibs()
	if err != nil {
		return err
	}
	if libmpvMapped(libs) {
		return fmt.Errorf("libmpv is mapped without New: %q", libs)
	}
	fmt.Printf("LIBS %d %s\n", len(libs), strings.Join(libs, " "))
	return nil
}

// helperMissing acts out a machine without libmpv.
func helperMissing() error {
	libmpvNames = []string{"libclusterplay-no-such-mpv.so.2", "libclusterplay-no-such-mpv.so"}
	for range 2 { // the second New gets the first one's answer
		p, err := New(Options{NoVideo: true})
		if err == nil {
			_ = p.Close()
			return errors.New("New succeeded without libmpv")
		}
		if !errors.Is(err, ErrNoLibmpv) {
			return fmt.Errorf("New: %v does not match ErrNoLibmpv", err)
		}
		const prefix = "libmpv is not installed (apt-get install libmpv2, or libmpv-dev to build): "
		if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), "libclusterplay-no-such-mpv.so.2") {
			return fmt.Errorf("New: unhelpful error %q", err)
		}
		fmt.Println("ERR", err)
	}
	if v := mpvClientAPIVersion(); v != 0 {
		return fmt.Errorf("client API version %#x without libmpv", v)
	}
	return checkStatic()
}

// helperNotMPV loads a library that is not libmpv in its place.
func helperNotMPV() error {
	libmpvNames = []string{"libc.so.6"}
	_, err := New(Options{NoVideo: true})
	if !errors.Is(err, ErrNoLibmpv) || !strings.Contains(fmt.Sprint(err), "undefined symbol: mpv_") {
		return fmt.Errorf("New with libc as libmpv: %v", err)
	}
	fmt.Println("ERR", err)
	return checkStatic()
}

// TestLibmpvLoadedLazily: a process that never calls New does not map
// libmpv (or the ~200 libraries it pulls in); one that does, does.
func TestLibmpvLoadedLazily(t *testing.T) {
	out := runHelper(t, "no-player")
	for line := range strings.Lines(out) {
		if n, ok := strings.CutPrefix(line, "LIBS "); ok {
			count, _, _ := strings.Cut(n, " ")
			t.Logf("shared objects mapped without a player: %s", count)
		}
	}

	p := newHeadless(t, Options{})
	if err := p.setVolume(50); err != nil {
		t.Fatalf("setVolume on a new Player: %v", err)
	}
	libs, err := mappedLibs()
	if err != nil {
		t.Fatal(err)
	}
	if !libmpvMapped(libs) {
		t.Fatalf("New works but libmpv is not in /proc/self/maps: %q", libs)
	}
	t.Logf("shared objects mapped with a player: %d", len(libs))
}

// TestNoLibmpv: without libmpv New fails with an error matching
// ErrNoLibmpv, and error texts still read right.
func TestNoLibmpv(t *testing.T) {
	for _, mode := range []string{"missing", "not-mpv"} {
		t.Run(mode, func(t *testing.T) {
			out := runHelper(t, mode)
			for line := range strings.Lines(out) {
				if s, ok := strings.CutPrefix(line, "ERR "); ok {
					t.Logf("New: %s", strings.TrimSpace(s))
					return
				}
			}
			t.Errorf("helper printed no error:\n%s", out)
		})
	}
}

// TestStaticTablesMatchLibmpv: the texts used before libmpv is loaded are
// the library's own.
func TestStaticTablesMatchLibmpv(t *testing.T) {
	if err := loadLibmpv(); err != nil {
		t.Fatal(err)
	}
	for code := -30; code <= 2; code++ {
		if got, want := staticErrorString(code), mpvErrorString(code); got != want {
			t.Errorf("error %d: table %q, libmpv %q", code, got, want)
		}
	}
	for id := mpvEventID(-1); id <= 40; id++ {
		if got, want := staticEventName(id), id.String(); got != want {
			t.Errorf("event %d: table %q, libmpv %q", int(id), got, want)
		}
	}
}
