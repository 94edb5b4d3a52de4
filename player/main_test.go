package player

import (
	"bytes"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"clusterplay/assets"
)

// unitTests need no libmpv: they are what go test -short runs here, as
// the unit tier runs without libmpv (and with CGO_ENABLED=0). Every other
// test of the package drives libmpv and belongs to the end-to-end tier.
var unitTests = []string{"TestMpvOptions", "TestLoadfileArgs", "TestFitBox", "TestWindowVO", "TestMPVLogLevel",
	"TestErrorStrings", "TestDisplayProbe"}

// TestMain refuses to pass vacuously: in CI a missing libmpv (or a build
// without cgo) is a failure, elsewhere the package's tests are skipped.
// Under -short only unitTests run (unless -run names others), with or
// without libmpv.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		if run := flag.Lookup("test.run"); run.Value.String() == "" {
			_ = run.Value.Set("^(" + strings.Join(unitTests, "|") + ")$")
		}
		goleak.VerifyTestMain(m)
		return
	}
	h, err := newMPV()
	if err != nil {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			fmt.Fprintf(os.Stderr, "FAIL: CI=%s but libmpv cannot be used: %v\n", os.Getenv("CI"), err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "SKIP: libmpv cannot be used (%v); set CI=true to make this a failure\n", err)
		os.Exit(0)
	}
	h.TerminateDestroy()
	goleak.VerifyTestMain(m)
}

// waitLong bounds every wait in these tests; the machine may have two
// busy cores, and nothing here should take more than a few seconds.
const waitLong = 30 * time.Second

// clipServer serves assets.Clip over loopback HTTP, plus misbehaving
// variants of it:
//
//	/clip.mp4   the clip (http.ServeContent: ranges, HEAD, Last-Modified)
//	/cut.mp4    the first cutAt bytes, then the connection is dropped
//	/stall.mp4  the first cutAt bytes, then silence with the connection open
//	anything else: 404
type clipServer struct {
	base  string
	cutAt int
	stop  chan struct{}
}

func serveClip(t *testing.T) *clipServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cs := &clipServer{base: "http://" + ln.Addr().String(), cutAt: len(assets.Clip) * 3 / 10, stop: make(chan struct{})}
	srv := &http.Server{Handler: cs, ReadHeaderTimeout: waitLong}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		close(cs.stop)
		_ = srv.Close()
	})
	return cs
}

func (cs *clipServer) url(name string) string { return cs.base + "/" + name }

func (cs *clipServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/" + assets.ClipName:
		http.ServeContent(w, r, assets.ClipName, time.Time{}, bytes.NewReader(assets.Clip))
	case "/cut.mp4":
		cs.partial(w, r)
		panic(http.ErrAbortHandler) // drops the connection without a log line
	case "/stall.mp4":
		cs.partial(w, r)
		select {
		case <-cs.stop:
		case <-r.Context().Done():
		}
	default:
		http.NotFound(w, r)
	}
}

// partial answers like a full response (so the client expects the whole
// file) but writes only up to cutAt.
func (cs *clipServer) partial(w http.ResponseWriter, r *http.Request) {
	size, from := len(assets.Clip), 0
	if rg := r.Header.Get("Range"); strings.HasPrefix(rg, "bytes=") {
		first, _, _ := strings.Cut(strings.TrimPrefix(rg, "bytes="), "-")
		from, _ = strconv.Atoi(first)
	}
	w.Header().Set("Content-Type", "video/mp4")
	w.Header().Set("Accept-Ranges", "bytes")
	w.Header().Set("Content-Length", strconv.Itoa(size-from))
	if from > 0 {
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, size-1, size))
		w.WriteHeader(http.StatusPartialContent)
	}
	if from < cs.cutAt {
		_, _ = w.Write(assets.Clip[from:cs.cutAt])
	}
	w.(http.Flusher).Flush()
}

// refusedURL is a loopback port nothing listens on (port 1, tcpmux, is
// never served on test machines): connect fails at once.
const refusedURL = "http://127.0.0.1:1/x.mp4"
