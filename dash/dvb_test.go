package dash

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"clusterplay/clock"
)

func base(u, loc string, prio, weight int, dvb bool) BaseURL {
	parsed, _ := url.Parse(u)
	return BaseURL{URL: parsed, ServiceLocation: loc, Priority: prio, Weight: weight, DVB: dvb}
}

// dvbSet: three of priority 1 weighted 6:3:1, and a backup of priority 2.
func dvbSet() []BaseURL {
	return []BaseURL{
		base("http://a/", "cdn-a", 1, 6, true),
		base("http://b/", "cdn-b", 1, 3, true),
		base("http://c/", "cdn-c", 1, 1, true),
		base("http://d/", "cdn-d", 2, 1, true),
	}
}

// Over many sessions, each seeded afresh, the first pick among the
// lowest priority falls in the shares of the weights: a chi-squared test
// at p = 0.001 (2 degrees of freedom: 13.82). The priority-2 BaseURL is
// never picked while those of priority 1 stand.
func TestDVBWeightsChiSquared(t *testing.T) {
	const sessions = 6000
	counts := map[string]int{}
	fake := clock.NewFake(time.Unix(0, 0))
	for seed := range uint64(sessions) {
		b, ok := NewSelector(dvbSet(), time.Minute, fake, clock.NewRand(seed)).Pick()
		if !ok {
			t.Fatal("no pick")
		}
		counts[b.ServiceLocation]++
	}
	if counts["cdn-d"] != 0 {
		t.Fatalf("priority 2 picked %d times", counts["cdn-d"])
	}
	chi2 := 0.0
	for loc, w := range map[string]float64{"cdn-a": 6, "cdn-b": 3, "cdn-c": 1} {
		want := sessions * w / 10
		d := float64(counts[loc]) - want
		chi2 += d * d / want
	}
	if chi2 > 13.82 {
		t.Errorf("counts %v: chi-squared %.2f over 13.82, the weights are not honoured", counts, chi2)
	}
	// And a rule that ignored the weights fails the same test.
	uniform := 0.0
	for _, w := range []float64{6, 3, 1} {
		d := float64(sessions)/3 - sessions*w/10
		uniform += d * d / (sessions * w / 10)
	}
	if uniform <= 13.82 {
		t.Errorf("the test cannot tell a uniform pick (chi-squared %.2f)", uniform)
	}
}

// The pick is kept while the candidate set stays the same, however often
// it is asked for, and drawn anew when the set changes.
func TestDVBPickKeptUntilSetChanges(t *testing.T) {
	fake := clock.NewFake(time.Unix(0, 0))
	for seed := range uint64(50) {
		s := NewSelector(dvbSet(), time.Minute, fake, clock.NewRand(seed))
		first, _ := s.Pick()
		for range 20 {
			if b, _ := s.Pick(); b.URL.String() != first.URL.String() {
				t.Fatalf("seed %d: the pick moved from %s to %s with the set unchanged", seed, first.URL, b.URL)
			}
		}
		s.SetBaseURLs(dvbSet()) // a live MPD's reload that names the same
		if b, _ := s.Pick(); b.URL.String() != first.URL.String() {
			t.Fatalf("seed %d: a reload of the same set moved the pick", seed)
		}
	}
}

// A failure excludes the serviceLocation and its whole priority for the
// expiry: the backup of priority 2 serves; when the expiry ends, priority
// 1 is drawn again.
func TestDVBFailureExcludesPriority(t *testing.T) {
	fake := clock.NewFake(time.Unix(0, 0))
	s := NewSelector(dvbSet(), time.Minute, fake, clock.NewRand(1))
	first, _ := s.Pick()
	s.Fail(first)
	if b, _ := s.Pick(); b.ServiceLocation != "cdn-d" {
		t.Fatalf("after %s failed: %s, want the priority-2 cdn-d", first.ServiceLocation, b.ServiceLocation)
	}
	order := s.Order()
	if order[0].ServiceLocation != "cdn-d" || len(order) != 4 {
		t.Fatalf("order %v", names(order))
	}
	fake.Advance(59 * time.Second)
	if b, _ := s.Pick(); b.ServiceLocation != "cdn-d" {
		t.Fatalf("before the expiry: %s", b.ServiceLocation)
	}
	fake.Advance(2 * time.Second)
	if b, _ := s.Pick(); b.Priority != 1 {
		t.Fatalf("after the expiry: %s, want priority 1 again", b.ServiceLocation)
	}
	// Every one failed: no pick; Order still names them all, the soonest
	// back first.
	for _, b := range dvbSet() {
		s.Fail(b)
		fake.Advance(time.Second)
	}
	if _, ok := s.Pick(); ok {
		t.Fatal("a pick with everything excluded")
	}
	if o := s.Order(); len(o) != 4 {
		t.Fatalf("order %v", names(o))
	}
}

// A serviceLocation shared by BaseURLs of other priorities is excluded
// with them.
func TestDVBFailureExcludesServiceLocation(t *testing.T) {
	set := []BaseURL{
		base("http://a1/", "cdn-a", 1, 1, true),
		base("http://a2/", "cdn-a", 2, 1, true),
		base("http://b/", "cdn-b", 3, 1, true),
	}
	s := NewSelector(set, time.Minute, clock.NewFake(time.Unix(0, 0)), clock.NewRand(7))
	b, _ := s.Pick()
	s.Fail(b)
	if b, _ := s.Pick(); b.URL.String() != "http://b/" {
		t.Fatalf("after cdn-a failed: %s, want http://b/ (cdn-a's priority 2 is cdn-a too)", b.URL)
	}
}

// BaseURLs without DVB attributes are tried in document order, a failed
// one skipped for the expiry, and nothing else skipped with it.
func TestPlainBaseURLsInDocumentOrder(t *testing.T) {
	set := []BaseURL{base("http://x/", "", 1, 1, false), base("http://y/", "", 1, 1, false), base("http://z/", "", 1, 1, false)}
	fake := clock.NewFake(time.Unix(0, 0))
	s := NewSelector(set, 30*time.Second, fake, clock.NewRand(3))
	for _, c := range []struct {
		fail string
		want string
	}{{"", "http://x/"}, {"http://x/", "http://y/"}, {"http://y/", "http://z/"}} {
		if c.fail != "" {
			s.Fail(base(c.fail, "", 1, 1, false))
		}
		if b, _ := s.Pick(); b.URL.String() != c.want {
			t.Fatalf("after %q failed: %s, want %s", c.fail, b.URL, c.want)
		}
	}
	if o := names(s.Order()); fmt.Sprint(o) != "[http://z/ http://x/ http://y/]" {
		t.Fatalf("order %v", o)
	}
	fake.Advance(31 * time.Second)
	if b, _ := s.Pick(); b.URL.String() != "http://x/" {
		t.Fatalf("after the expiry: %s, want the first again", b.URL)
	}
}

func names(bs []BaseURL) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Name())
	}
	return out
}
