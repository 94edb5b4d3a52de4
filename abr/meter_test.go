package abr

import (
	"math"
	"testing"
	"time"

	"clusterplay/clock"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// step is one thing that happens to a Meter: a fetch opens (begin) or
// closes (end, by its number), bytes arrive, or time passes.
type step struct {
	begin string // host
	end   int    // 1-based number of the fetch opened, in order
	add   int
	host  string
	wait  time.Duration
}

func run(m *Meter, f *clock.Fake, steps []step) {
	var dones []func()
	for _, s := range steps {
		switch {
		case s.begin != "":
			dones = append(dones, m.Begin(s.begin))
		case s.end > 0:
			dones[s.end-1]()
		case s.add > 0:
			m.Add(s.host, s.add)
		default:
			f.Advance(s.wait)
		}
	}
}

// feed is bytes per second for secs seconds, in tenths.
func feed(host string, bytesPerSec int, secs float64) []step {
	var out []step
	for range int(secs * 10) {
		out = append(out, step{wait: 100 * time.Millisecond}, step{add: bytesPerSec / 10, host: host})
	}
	return out
}

func cat(parts ...[]step) []step {
	var out []step
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestMeterEstimate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		steps []step
		host  string
		want  float64 // bits per second
		slack float64 // share of want
		ok    bool
	}{
		{name: "nothing measured", host: "a", ok: false},
		{name: "one fetch at a steady rate", host: "a", want: 8e6, slack: 0.01, ok: true,
			steps: cat([]step{{begin: "a"}}, feed("a", 1e6, 4), []step{{end: 1}})},
		{
			// Two fetches open at once share the link: the host's rate is
			// its bytes over the time either was open, not each one's
			// bytes over its own time (which would be half).
			name: "overlapping fetches are one link", host: "a", want: 8e6, slack: 0.01, ok: true,
			steps: cat([]step{{begin: "a"}}, feed("a", 1e6, 1), []step{{begin: "a"}}, feed("a", 1e6, 1),
				[]step{{end: 1}}, feed("a", 1e6, 1), []step{{end: 2}}),
		},
		{
			// Time with no fetch open is not the host's: a player that
			// waits between segments does not lower the estimate.
			name: "idle time is not counted", host: "a", want: 8e6, slack: 0.01, ok: true,
			steps: cat([]step{{begin: "a"}}, feed("a", 1e6, 1), []step{{end: 1}, {wait: 5 * time.Second}, {begin: "a"}},
				feed("a", 1e6, 1), []step{{end: 2}}),
		},
		{
			// A fall is believed at once: the fast average follows it,
			// and the estimate is the lower one. 3 s at a quarter of the
			// rate after a long time at 8 Mbit/s: the fast average is
			// about halfway, the slow one a fifth of the way.
			name: "a fall follows the fast average", host: "a", want: 5e6, slack: 0.04, ok: true,
			steps: cat([]step{{begin: "a"}}, feed("a", 1e6, 60), feed("a", 250e3, 3)),
		},
		{
			// A rise is believed only as it lasts: the slow average lags,
			// and the estimate is the lower one.
			name: "a rise follows the slow average", host: "a", want: 3.24e6, slack: 0.03, ok: true,
			steps: cat([]step{{begin: "a"}}, feed("a", 250e3, 60), feed("a", 1e6, 3)),
		},
		{
			// A fetch open that sends nothing is a link that carries
			// nothing: the estimate falls without a byte arriving.
			name: "a stall lowers the estimate", host: "a", want: 4e6, slack: 0.03, ok: true,
			steps: cat([]step{{begin: "a"}}, feed("a", 1e6, 60), []step{{wait: 3 * time.Second}}),
		},
		{name: "hosts are apart", host: "b", ok: false,
			steps: cat([]step{{begin: "a"}}, feed("a", 1e6, 2), []step{{end: 1}})},
		{
			// A fetch shorter than minSample leaves its bytes to the next.
			name: "a tiny fetch alone says nothing", host: "a", ok: false,
			steps: []step{{begin: "a"}, {wait: 10 * time.Millisecond}, {add: 1000, host: "a"}, {end: 1}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := clock.NewFake(epoch)
			m := NewMeter(f)
			run(m, f, c.steps)
			got, ok := m.Estimate(c.host)
			if ok != c.ok || math.Abs(got-c.want) > c.slack*c.want {
				t.Errorf("Estimate = %.0f %v, want %.0f (±%.0f%%) %v", got, ok, c.want, c.slack*100, c.ok)
			}
		})
	}
}

func TestMeterLatestIsTheLastWindow(t *testing.T) {
	t.Parallel()
	f := clock.NewFake(epoch)
	m := NewMeter(f)
	if _, ok := m.Latest("a"); ok {
		t.Fatal("Latest before any sample")
	}
	run(m, f, cat([]step{{begin: "a"}}, feed("a", 1e6, 30), feed("a", 100e3, 1)))
	got, ok := m.Latest("a")
	if !ok || math.Abs(got-0.8e6) > 0.01*0.8e6 {
		t.Errorf("Latest = %.0f %v, want 800000", got, ok)
	}
	if est, _ := m.Estimate("a"); est < 4e6 {
		t.Errorf("Estimate = %.0f: one slow second should not halve it", est)
	}
}

func TestMeterDoneTwiceCountsOnce(t *testing.T) {
	t.Parallel()
	f := clock.NewFake(epoch)
	m := NewMeter(f)
	first := m.Begin("a")
	second := m.Begin("a")
	first()
	first() // a second call must not close the other fetch
	run(m, f, feed("a", 1e6, 2))
	// second is still open: its busy time keeps counting.
	if got, ok := m.Estimate("a"); !ok || math.Abs(got-8e6) > 0.01*8e6 {
		t.Errorf("Estimate = %.0f %v, want 8000000", got, ok)
	}
	second()
}

// BenchmarkMeterAdd is the meter's cost per body read the relay makes:
// it must stay far under what reading 64 KiB costs.
func BenchmarkMeterAdd(b *testing.B) {
	m := NewMeter(nil)
	done := m.Begin("a")
	defer done()
	for b.Loop() {
		m.Add("a", 64<<10)
	}
}
