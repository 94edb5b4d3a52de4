package control

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"clusterplay/events"
)

// get_status reads the same fold as the TUI: these are the cases where
// the two used to disagree, and what get_status says now.
func TestStatusFromEventSequences(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	hosts := []string{"http://a/v", "http://b/v?token=secret", "http://c/v"}
	ev := func(ms int, kind events.Kind, i int) events.Event {
		e := events.Event{Time: t0.Add(time.Duration(ms) * time.Millisecond), Kind: kind, Index: i}
		if i >= 0 {
			e.Host = events.RedactURL(hosts[i])
		}
		return e
	}
	playing := []events.Event{ev(0, events.Connect, 1), ev(40, events.Resolved, 1), ev(100, events.Start, 1)}
	connectFailed := ev(5003, events.ConnectFailed, 1)
	connectFailed.ExpiresAt = t0.Add(time.Minute)
	end := ev(9000, events.End, 1)
	end.Reason, end.Class, end.Err, end.Position = events.ReasonError, events.ClassStall, "no progress for 3s", 9*time.Second
	list := ev(0, events.StateChanged, -1)
	list.State, list.Clip, list.Item, list.Items = events.StateConnecting, "two.mp4", 2, 3
	for _, c := range []struct {
		name string
		evs  []events.Event
		want []string // substrings of the JSON answer
		not  []string
	}{
		// r tried the serving host again and it did not answer: it is
		// failed, as the TUI shows it.
		{"connect_failed for the serving host", append(append([]events.Event{}, playing...), ev(5000, events.Connect, 1), connectFailed),
			[]string{`"index":1,"state":"failed","expires_at":"2024-05-01T12:01:00Z","failures":1`}, nil},
		// failed blames nobody it does not name: the serving host
		// serves on, and a host in flight is what it was before.
		{"failed while a host serves", append(append([]events.Event{}, playing...), ev(5000, events.Connect, 2), ev(5001, events.Failed, -1)),
			[]string{`"state":"playing"`, `"index":1,"state":"serving"`, `"index":2,"state":"untried"`}, []string{`"failed"`}},
		{"no host answered", []events.Event{ev(0, events.Connect, 0), ev(3, events.ConnectFailed, 0), ev(4, events.Failed, -1)},
			[]string{`"state":"failed"`, `"index":0,"state":"failed"`}, []string{`"reason"`}},
		{"ended in error", append(append([]events.Event{}, playing...), end),
			[]string{`"state":"ended"`, `"reason":"error"`, `"error":"stall: no progress for 3s"`, `"position":9`, `"index":1,"state":"idle"`}, []string{`"clip":"one.mp4","host"`}},
		{"a playlist's second clip", []events.Event{list}, []string{`"clip":"two.mp4","item":2,"items":3`}, nil},
		{"nothing yet", nil, []string{`"state":"idle","clip":"one.mp4"`, `"index":0,"state":"untried","failures":0}`}, []string{"secret", `"bytes"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFold(hosts, "one.mp4", false)
			for _, e := range c.evs {
				f.apply(e)
			}
			data, err := json.Marshal(f.status(t0.Add(10 * time.Second)))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(string(data), w) {
					t.Errorf("get_status lacks %s:\n%s", w, data)
				}
			}
			for _, n := range c.not {
				if strings.Contains(string(data), n) {
					t.Errorf("get_status says %s:\n%s", n, data)
				}
			}
		})
	}
}

func TestStatusCountsWhatTheRelayFetched(t *testing.T) {
	f := newFold([]string{"http://a/v"}, "", false)
	for range 2 {
		f.apply(events.Event{Kind: events.Fetch, Host: "http://a/v", Index: 0, Bytes: 1000, Elapsed: 500 * time.Millisecond})
	}
	h := f.status(time.Now()).Hosts[0]
	if h.Bytes != 2000 || h.Throughput != 2000 {
		t.Errorf("relayed %d bytes at %.0f B/s, want 2000 at 2000", h.Bytes, h.Throughput)
	}
}
