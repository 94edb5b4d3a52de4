package cluster

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/loopback/hosttest"
)

// TestRedirectSendsNoReferer: the URL redirected from (with its token)
// is not sent to the redirect's target.
func TestRedirectSendsNoReferer(t *testing.T) {
	var mu sync.Mutex
	var referers []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		referers = append(referers, r.Header.Get("Referer"))
		mu.Unlock()
		w.Header().Set("Content-Range", "bytes 0-0/10")
		w.WriteHeader(http.StatusPartialContent)
		w.Write([]byte("x"))
	}))
	defer target.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+r.URL.Path, http.StatusFound)
	}))
	defer origin.Close()
	e, err := New([]HostSpec{{URL: origin.URL + "/v?token=s3cr3t"}}, sequential(time.Second), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ch := e.Events().Subscribe()
	if _, err := e.Resolve(context.Background(), "clip.mp4"); err != nil {
		t.Fatal(err)
	}
	e.Events().Close()
	for ev := range ch {
		if strings.Contains(ev.Host+ev.URL+ev.Err, "s3cr3t") {
			t.Errorf("%s event shows the token: %+v", ev.Kind, ev)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(referers) != 1 || referers[0] != "" {
		t.Errorf("target saw Referer %q, want none", referers)
	}
}

// TestMemoryKnowsAHostWithoutItsSecrets: two entries that differ only in
// their token share one record, and the memory file holds no token.
func TestMemoryKnowsAHostWithoutItsSecrets(t *testing.T) {
	refused := hosttest.Refused(t)
	dir := t.TempDir()
	mem, err := OpenMemory(dir)
	if err != nil {
		t.Fatal(err)
	}
	opts := sequential(time.Second)
	opts.ConnectCount = 1
	opts.FailureExpiry = time.Minute
	e, err := New([]HostSpec{{URL: refused + "/v?token=one"}, {URL: refused + "/v?token=two"}}, opts, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	ch := e.Events().Subscribe()
	if _, err := e.Resolve(context.Background(), "clip.mp4"); err == nil {
		t.Fatal("a refusing host resolved")
	}
	e.Events().Close()
	var kinds []events.Kind
	for ev := range ch {
		kinds = append(kinds, ev.Kind)
	}
	// The first failure is the second entry's too: it is skipped.
	if got := kindsString(kinds); !strings.Contains(got, "skip") {
		t.Errorf("events %s: the second entry was not known as the first host", got)
	}
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "memory.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "token") || !strings.Contains(string(data), refused+"/v") {
		t.Errorf("memory file:\n%s", data)
	}
}

func kindsString(ks []events.Kind) string {
	var b strings.Builder
	for _, k := range ks {
		b.WriteString(string(k) + " ")
	}
	return b.String()
}
