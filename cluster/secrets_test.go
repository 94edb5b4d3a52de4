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
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestRedirectSendsNoReferer: the URL redirected from (with its token)
// is not sent to the redirect's target.
func TestRedirectSendsNoReferer(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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

// TestFailureFromTheFutureDoesNotBlockAHost: a memory file whose failure
// is dated an hour ahead (a clock stepped back) neither keeps a working
// host skipped nor survives the success that clears it.
func TestFailureFromTheFutureDoesNotBlockAHost(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(map[string][]byte{"clip.mp4": []byte("x")}))
	dir := t.TempDir()
	ahead := time.Now().Add(time.Hour).UTC().Format(time.RFC3339Nano)
	doc := `{"version":1,"hosts":{"` + good.URL + `":{"failed_at":"` + ahead + `","failures":3,"updated":"` + ahead + `"}}}`
	if err := os.WriteFile(filepath.Join(dir, "memory.json"), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	mem, err := OpenMemory(dir)
	if err != nil {
		t.Fatal(err)
	}
	opts := sequential(time.Second)
	opts.FailureExpiry = time.Minute
	e, err := New([]HostSpec{{URL: good.URL}, {URL: hosttest.Refused(t)}}, opts, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	ch := e.Events().Subscribe()
	res, err := e.Resolve(context.Background(), "clip.mp4")
	if err != nil || res.Host.Index != 0 {
		t.Fatalf("resolved %v, %v; want the working first host", res.Host, err)
	}
	e.Events().Close()
	for ev := range ch {
		if ev.Kind == events.Skip || ev.Index != 0 {
			t.Errorf("%s of host %d: the first host was not simply tried and taken", ev.Kind, ev.Index)
		}
	}
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	again, _ := OpenMemory(dir)
	if r, ok := again.Record(good.URL); ok && !r.FailedAt.IsZero() {
		t.Errorf("the future failure outlived the success: %+v", r)
	}
	// In memory too, a failure dated ahead skips for no longer than the expiry.
	m := NewMemory()
	m.Failed("http://h/", time.Now().Add(time.Hour))
	if left := m.ExpiryLeft("http://h/", time.Second, time.Now()); left > time.Second {
		t.Errorf("a failure an hour ahead is skipped for %v, want at most the 1s expiry", left)
	}
}
