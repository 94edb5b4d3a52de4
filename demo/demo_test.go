package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"clusterplay/events"

	"clusterplay/cluster"
)

// TestFailoverDemo: the first host refuses, the second hangs until the
// connect timeout, the third serves the clip, as on the original page.
func TestFailoverDemo(t *testing.T) {
	d, err := Start(Failover)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	opts := cluster.DefaultOptions()
	opts.ConnectTimeout = 500 * time.Millisecond
	d.Apply(&opts)
	e, err := cluster.New(d.Hosts, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ch := e.Events().Subscribe()
	res, err := e.Resolve(context.Background(), d.Clip)
	e.Events().Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.Host.Index != 2 {
		t.Errorf("resolved to host %d, want 2", res.Host.Index)
	}
	var classes []string
	for ev := range ch {
		if ev.Kind == events.ConnectFailed {
			classes = append(classes, string(ev.Class))
		}
	}
	if got := strings.Join(classes, " "); got != "refused timeout" {
		t.Errorf("failures %q, want the refusing host then the hanging one", got)
	}
}

func TestBalanceDemo(t *testing.T) {
	d, err := Start(Balance)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	opts := cluster.DefaultOptions()
	d.Apply(&opts)
	e, err := cluster.New(d.Hosts, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Events().Close()
	if !e.LoadBalancing() || len(d.Hosts) != 2 {
		t.Fatalf("balance demo: %d hosts, load balancing %v", len(d.Hosts), e.LoadBalancing())
	}
	seen := map[int]bool{}
	for range 40 {
		res, err := e.Resolve(context.Background(), d.Clip)
		if err != nil {
			t.Fatal(err)
		}
		seen[res.Host.Index] = true
	}
	if !seen[0] || !seen[1] {
		t.Errorf("40 balanced resolutions used only %v", seen)
	}
}

func TestUnknownDemo(t *testing.T) {
	if _, err := Start("nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Start(nope) = %v", err)
	}
}
