package cluster

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"clusterplay/clock"
)

// TestWeightedShares: over 6,000 passes with weights 1:2:3 each host leads
// within 2 percentage points of its share. The source is seeded, so the
// counts are exact: a change to how the policy draws shows here first.
func TestWeightedShares(t *testing.T) {
	t.Parallel()
	hosts, err := NewHosts([]HostSpec{
		{URL: "http://a.test/v", Weight: 1},
		{URL: "http://b.test/v", Weight: 2},
		{URL: "http://c.test/v", Weight: 3},
	})
	if err != nil {
		t.Fatal(err)
	}
	const picks = 6000
	policy := Weighted{Rand: clock.NewRand(1)}
	counts := make([]int, 3)
	for range picks {
		counts[policy.Order(hosts, nil)[0].Index]++
	}
	if want := []int{1002, 1963, 3035}; !slices.Equal(counts, want) {
		t.Errorf("seed 1: hosts led %v of %d passes, want %v", counts, picks, want)
	}
	for i, want := range []float64{1.0 / 6, 2.0 / 6, 3.0 / 6} {
		got := float64(counts[i]) / picks
		if math.Abs(got-want) > 0.02 {
			t.Errorf("host %d led %.3f of passes, want %.3f ± 0.02", i, got, want)
		}
	}
}

// TestWeightedOrderFromASeed: the whole order of a pass, not only its
// first host, comes from the source.
func TestWeightedOrderFromASeed(t *testing.T) {
	t.Parallel()
	hosts, err := NewHosts([]HostSpec{
		{URL: "http://a.test/v", Weight: 1},
		{URL: "http://b.test/v", Weight: 2},
		{URL: "http://c.test/v", Weight: 3},
	})
	if err != nil {
		t.Fatal(err)
	}
	policy := Weighted{Rand: clock.NewRand(1)}
	var got []string
	for range 6 {
		got = append(got, fmt.Sprint(hostIndexes(policy.Order(hosts, nil))))
	}
	want := []string{"[1 2 0]", "[1 2 0]", "[2 0 1]", "[2 0 1]", "[1 2 0]", "[0 2 1]"}
	if !slices.Equal(got, want) {
		t.Errorf("seed 1: orders %v, want %v", got, want)
	}
}

func TestWeightedPriorityGroupsFirst(t *testing.T) {
	t.Parallel()
	hosts, err := NewHosts([]HostSpec{
		{URL: "http://backup1.test/v", Priority: 2, Weight: 100},
		{URL: "http://main1.test/v", Priority: 1},
		{URL: "http://backup2.test/v", Priority: 2},
		{URL: "http://main2.test/v", Priority: 1, Weight: 5},
	})
	if err != nil {
		t.Fatal(err)
	}
	policy := Weighted{Rand: clock.NewRand(1)}
	for range 200 {
		order := policy.Order(hosts, nil)
		for pos, h := range order {
			if wantPriority := 1 + pos/2; h.Priority != wantPriority {
				t.Fatalf("order %v: position %d has priority %d", urls(order), pos, h.Priority)
			}
		}
	}
}

func urls(hosts []*Host) []string {
	out := make([]string, len(hosts))
	for i, h := range hosts {
		out[i] = h.URL
	}
	return out
}

func TestFastestOrdersByLatencyUntriedFirst(t *testing.T) {
	t.Parallel()
	hosts := testHosts(t, 4)
	mem := NewMemory()
	mem.Succeeded(hosts[0].URL, 300*time.Millisecond)
	mem.Succeeded(hosts[1].URL, 20*time.Millisecond)
	mem.Succeeded(hosts[3].URL, 90*time.Millisecond)
	order := Fastest{}.Order(hosts, mem)
	got := []int{order[0].Index, order[1].Index, order[2].Index, order[3].Index}
	if want := []int{2, 1, 3, 0}; !equalInts(got, want) {
		t.Errorf("fastest order %v, want %v (untried first, then by latency)", got, want)
	}
}

func TestFastestBreaksTiesAtRandom(t *testing.T) {
	t.Parallel()
	hosts := testHosts(t, 2)
	policy := Fastest{Rand: clock.NewRand(1)}
	seen := map[int]int{}
	for range 40 {
		seen[policy.Order(hosts, NewMemory())[0].Index]++
	}
	if seen[0] != 18 || seen[1] != 22 {
		t.Errorf("seed 1: untried hosts led %v times of 40, want 18 and 22; ties must be broken at random", seen)
	}
}

// TestLatencyMemoryIsSmoothed: one slow outlier moves the average but does
// not replace it.
func TestLatencyMemoryIsSmoothed(t *testing.T) {
	t.Parallel()
	mem := NewMemory()
	for range 10 {
		mem.Succeeded("http://h/v", 10*time.Millisecond)
	}
	mem.Succeeded("http://h/v", 1000*time.Millisecond)
	lat, ok := mem.Latency("http://h/v")
	if !ok || lat < 100*time.Millisecond || lat > 500*time.Millisecond {
		t.Errorf("latency after one outlier %v, want between the old value and the outlier, nearer the old", lat)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
