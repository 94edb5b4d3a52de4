package cluster

import (
	"fmt"
	"strings"
	"testing"
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
func TestRandomShuffleIsUniform(t *testing.T) {
	hosts := testHosts(t, 4)
	const shuffles = 48000
	counts := map[string]int{}
	for range shuffles {
		var key strings.Builder
		for _, h := range (Random{}).Order(hosts, nil) {
			fmt.Fprint(&key, h.Index)
		}
		counts[key.String()]++
	}
	if len(counts) != 24 {
		t.Fatalf("saw %d of 24 permutations", len(counts))
	}
	if chi := chiSquare(counts, 24, shuffles); chi > 49.73 {
		t.Errorf("chi-square %.1f over 24 permutations exceeds the 0.001 critical value 49.73: %v", chi, counts)
	}
}

func TestNewSelector(t *testing.T) {
	for _, name := range []string{PolicyOrdered, PolicyRandom} {
		if _, err := NewSelector(name); err != nil {
			t.Errorf("NewSelector(%q): %v", name, err)
		}
	}
	if _, err := NewSelector("roundrobin"); err == nil || !strings.Contains(err.Error(), "roundrobin") {
		t.Errorf("unknown policy: got %v", err)
	}
}
