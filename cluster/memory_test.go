package cluster

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"clusterplay/clock"
)

// TestFlushEveryWritesAtMostOncePerInterval: a change is written at once,
// the next one only when the interval is over, and stop writes no more.
func TestFlushEveryWritesAtMostOncePerInterval(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	m, err := OpenMemory(dir)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Now())
	m.setClock(clk)
	onFile := func(host string) bool {
		t.Helper()
		other, err := OpenMemory(dir)
		if err != nil {
			t.Fatal(err)
		}
		_, ok := other.Record(host)
		return ok
	}
	waitArmed := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), waitLong)
		defer cancel()
		if err := clk.BlockUntil(ctx, 1); err != nil { // written, and waiting out the interval
			t.Fatal(err)
		}
	}
	stop := m.FlushEvery(time.Second, func(err error) { t.Error(err) })
	m.Failed("http://a/v", time.Now())
	waitArmed()
	if !onFile("http://a/v") {
		t.Fatal("the first change was not written at once")
	}
	m.Failed("http://b/v", time.Now())
	if onFile("http://b/v") {
		t.Fatal("a second change was written within the interval")
	}
	clk.Advance(time.Second)
	waitArmed()
	if !onFile("http://b/v") {
		t.Error("the second change was not written once the interval was over")
	}
	stop()
	if clk.Armed() != 0 {
		t.Error("stop left the interval's timer armed")
	}
}
