package cluster

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"clusterplay/clock"
)

func testHosts(t *testing.T, n int) []*Host {
	t.Helper()
	specs := make([]HostSpec, n)
	for i := range specs {
		specs[i] = HostSpec{URL: fmt.Sprintf("http://h%d.test/v", i)}
	}
	hosts, err := NewHosts(specs)
	if err != nil {
		t.Fatal(err)
	}
	return hosts
}

func TestOrderedKeepsListOrder(t *testing.T) {
	t.Parallel()
	hosts := testHosts(t, 5)
	got := Ordered{}.Order(hosts, NewMemory())
	for i, h := range got {
		if h.Index != i {
			t.Fatalf("position %d holds host %d", i, h.Index)
		}
	}
}

// chiSquare returns the statistic of observed counts against a uniform
// expectation.
func chiSquare(counts map[string]int, cells, total int) float64 {
	expected := float64(total) / float64(cells)
	var chi float64
	for _, c := range counts {
		d := float64(c) - expected
		chi += d * d / expected
	}
	// Cells never observed contribute their full expectation.
	chi += float64(cells-len(counts)) * expected
	return chi
}

// TestRandomShuffleIsUniform checks every permutation of 4 hosts comes up
// equally often. With 23 degrees of freedom the 0.001 critical value is
// 49.73; a biased pick like the original's round(random*(n-1)) fails by far.
// The source is seeded: the statistic is the same on every run.
func TestRandomShuffleIsUniform(t *testing.T) {
	t.Parallel()
	hosts := testHosts(t, 4)
	const shuffles = 2400
	policy := Random{Rand: clock.NewRand(1)}
	counts := map[string]int{}
	for range shuffles {
		var key strings.Builder
		for _, h := range policy.Order(hosts, nil) {
			fmt.Fprint(&key, h.Index)
		}
		counts[key.String()]++
	}
	if len(counts) != 24 {
		t.Fatalf("saw %d of 24 permutations", len(counts))
	}
	if chi := chiSquare(counts, 24, shuffles); chi > 49.73 || fmt.Sprintf("%.2f", chi) != "22.26" {
		t.Errorf("seed 1: chi-square %.2f over 24 permutations, want 22.26 (under the 0.001 critical value 49.73): %v", chi, counts)
	}
}

// TestRandomOrderFromASeed: each pass is a fresh shuffle drawn from the
// engine's source.
func TestRandomOrderFromASeed(t *testing.T) {
	t.Parallel()
	hosts := testHosts(t, 4)
	policy := Random{Rand: clock.NewRand(1)}
	var got []string
	for range 6 {
		got = append(got, fmt.Sprint(hostIndexes(policy.Order(hosts, nil))))
	}
	want := []string{"[1 2 0 3]", "[1 0 3 2]", "[3 0 1 2]", "[3 0 1 2]", "[2 1 3 0]", "[2 1 0 3]"}
	if !slices.Equal(got, want) {
		t.Errorf("seed 1: orders %v, want %v", got, want)
	}
}

func TestNewSelector(t *testing.T) {
	t.Parallel()
	for _, name := range []string{PolicyOrdered, PolicyRandom} {
		if _, err := NewSelector(name); err != nil {
			t.Errorf("NewSelector(%q): %v", name, err)
		}
	}
	if _, err := NewSelector("roundrobin"); err == nil || !strings.Contains(err.Error(), "roundrobin") {
		t.Errorf("unknown policy: got %v", err)
	}
}
