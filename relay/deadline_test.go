package relay

import (
	"strings"
	"testing"
	"time"

	"clusterplay/clock"
)

func TestReadDeadlineFromTheBuffer(t *testing.T) {
	fake := clock.NewFake(time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC))
	at := fake.Now()
	fake.Advance(40 * time.Millisecond) // the session looked 40 ms ago
	now := fake.Now()
	const readTimeout = 5 * time.Second
	cases := []struct {
		name     string
		b        PlayerBuffer
		known    bool
		timeout  time.Duration
		want     time.Duration
		fromRule bool
	}{
		{"no buffer information: the read timeout", PlayerBuffer{}, false, readTimeout, readTimeout, false},
		{"before the first frame: the read timeout", PlayerBuffer{Cached: 2 * time.Second, At: at}, true, readTimeout, readTimeout, false},
		{"half of what is left", PlayerBuffer{Cached: 1240 * time.Millisecond, Playing: true, At: at}, true, readTimeout, 600 * time.Millisecond, true},
		{"never above the read timeout", PlayerBuffer{Cached: 30 * time.Second, Playing: true, At: at}, true, time.Second, time.Second, false},
		{"never under 100 ms", PlayerBuffer{Cached: 50 * time.Millisecond, Playing: true, At: at}, true, readTimeout, minReadDeadline, true},
		{"an empty buffer: 100 ms", PlayerBuffer{Playing: true, At: at}, true, readTimeout, minReadDeadline, true},
		{"a stale buffer is not known", PlayerBuffer{Cached: 2 * time.Second, Playing: true, At: at.Add(-3 * time.Second)}, true, readTimeout, readTimeout, false},
		{"a read timeout under 100 ms stays the bound", PlayerBuffer{Playing: true, At: at}, true, 50 * time.Millisecond, 50 * time.Millisecond, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, why := readDeadline(c.b, c.known, c.timeout, now)
			if got != c.want {
				t.Errorf("deadline %v, want %v", got, c.want)
			}
			if (why != "") != c.fromRule {
				t.Errorf("why %q: from the buffer's rule %v, want %v", why, why != "", c.fromRule)
			}
			if why != "" && !strings.Contains(why, "past the buffer's deadline") {
				t.Errorf("why %q does not name the rule", why)
			}
		})
	}
}

func TestProjectFinish(t *testing.T) {
	const bitrate = 358440.0 // bits/s: 44805 B/s
	cases := []struct {
		name   string
		left   int64
		rate   float64
		cached time.Duration
		late   bool
		runOut time.Duration
	}{
		{"faster than the stream: never late", 10 << 20, 1.1 * 44805, time.Second, false, -1},
		{"as fast as the stream: never late", 10 << 20, 44805, 0, false, -1},
		{"half the stream's rate, the rest due after the buffer", 200000, 22402.5, time.Second, true, 2 * time.Second},
		{"half the stream's rate, a little left", 20000, 22402.5, time.Second, false, 2 * time.Second},
		{"an unknown end at half the rate", -1, 22402.5, time.Second, true, 2 * time.Second},
		{"nothing delivered: the buffer alone", 1000, 0, 500 * time.Millisecond, true, 500 * time.Millisecond},
		{"starved: any slow response is late", 1000, 22402.5, 0, true, 0},
		{"no bitrate: no judgement", 10 << 20, 1, 0, false, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			br := bitrate
			if strings.HasPrefix(c.name, "no bitrate") {
				br = 0
			}
			p := projectFinish(c.left, c.rate, br, c.cached)
			if p.late != c.late {
				t.Errorf("late %v, want %v (%+v)", p.late, c.late, p)
			}
			if d := p.runOut - c.runOut; d < -time.Millisecond || d > time.Millisecond {
				t.Errorf("runs out at %v, want %v", p.runOut, c.runOut)
			}
			if w := p.words(c.left, c.rate); !strings.Contains(w, "projected finish") {
				t.Errorf("words %q do not name the rule", w)
			}
		})
	}
}

func TestPaceMeter(t *testing.T) {
	cases := []struct {
		name   string
		reads  []paceSpan
		judged bool
		rate   float64
	}{
		{"too little waiting to judge", []paceSpan{{1000, 100 * time.Millisecond}, {1000, 300 * time.Millisecond}}, false, 0},
		{"steady", []paceSpan{{10000, 250 * time.Millisecond}, {10000, 250 * time.Millisecond}}, true, 40000},
		{"reads that did not wait (a fast host) never add up", []paceSpan{{65536, 0}, {65536, time.Microsecond}}, false, 0},
		{"the oldest window is forgotten", []paceSpan{{1 << 20, time.Second}, {1000, time.Second}, {1000, time.Second}}, true, 1000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var m paceMeter
			for _, r := range c.reads {
				m.add(int(r.bytes), r.wait)
			}
			rate, judged := m.rate()
			if judged != c.judged || (judged && (rate < c.rate*0.99 || rate > c.rate*1.01)) {
				t.Errorf("rate %.0f judged %v, want %.0f judged %v", rate, judged, c.rate, c.judged)
			}
		})
	}
}

func TestStreamBitrate(t *testing.T) {
	cases := []struct {
		name      string
		b         PlayerBuffer
		total     int64
		segmented bool
		want      float64
	}{
		{"a progressive file: its length over its duration", PlayerBuffer{Bitrate: 388000, Duration: 6 * time.Second}, 268830, false, 358440},
		{"a segment: what mpv measures", PlayerBuffer{Bitrate: 388000, Duration: 6 * time.Second}, 50000, true, 388000},
		{"no duration (live): what mpv measures", PlayerBuffer{Bitrate: 388000}, 268830, false, 388000},
		{"no length: what mpv measures", PlayerBuffer{Bitrate: 388000, Duration: 6 * time.Second}, -1, false, 388000},
		{"nothing known", PlayerBuffer{}, -1, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := streamBitrate(c.b, c.total, c.segmented); got < c.want-1 || got > c.want+1 {
				t.Errorf("bitrate %.0f, want %.0f", got, c.want)
			}
		})
	}
}
