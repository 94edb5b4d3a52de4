package control

import (
	"math"
	"time"

	"clusterplay/events"
	"clusterplay/watch"
)

// Status is get_status's answer: the events folded by watch, the same
// fold the TUI renders, so it can never say something the event stream
// (or the screen) did not.
type Status struct {
	// State: idle, connecting, buffering, playing, paused, ended, or
	// failed (no host answered the clip).
	State string `json:"state"`
	Clip  string `json:"clip,omitempty"`
	Item  int    `json:"item,omitempty"`  // in a playlist: the clip's place, from 1
	Items int    `json:"items,omitempty"` // in a playlist: how many clips it has
	Host  string `json:"host,omitempty"`
	Index *int   `json:"index,omitempty"`
	// Reason and Error say how the playback ended, while state is ended:
	// the end event's reason (eof, quit, error) and its error.
	Reason        string       `json:"reason,omitempty"`
	Error         string       `json:"error,omitempty"`
	Position      float64      `json:"position"`
	Duration      float64      `json:"duration"`
	Cache         float64      `json:"cache"`
	LoadBalancing bool         `json:"load_balancing"`
	Hosts         []HostStatus `json:"hosts"`
}

// HostStatus is one configured host as the events left it.
type HostStatus struct {
	Host  string `json:"host"`
	Index int    `json:"index"`
	// State: untried, connecting, serving, failed, skipped (remembered
	// as failed), cancelled, idle.
	State string `json:"state"`
	// ExpiresAt: until when the failure memory skips the host (RFC 3339).
	ExpiresAt string `json:"expires_at,omitempty"`
	Failures  int    `json:"failures"` // this session
	// Bytes the relay fetched from the host, and at how many bytes a
	// second while it fetched.
	Bytes      int64   `json:"bytes,omitempty"`
	Throughput float64 `json:"throughput,omitempty"`
}

// fold keeps the watch up to date from events.
type fold struct{ w *watch.Fold }

func newFold(hosts []string, clip string, lb bool) *fold {
	shown := make([]string, len(hosts))
	for i, h := range hosts {
		shown[i] = events.RedactURL(h)
	}
	return &fold{w: watch.New(watch.Options{Hosts: shown, Clip: clip, LoadBalancing: lb})}
}

func (f *fold) apply(ev events.Event) { f.w.Apply(ev) }

// status is the status at now: expiries past are dropped.
func (f *fold) status(now time.Time) Status {
	p := f.w.Playback()
	st := Status{State: string(p.State), Clip: p.Clip, Item: p.Item, Items: p.Items, Host: p.Host,
		Position: round3(p.Position.Seconds()), Duration: round3(p.Duration.Seconds()), Cache: round3(p.Cache.Seconds()),
		LoadBalancing: p.LoadBalancing, Hosts: []HostStatus{}}
	if p.Index >= 0 {
		idx := p.Index
		st.Index = &idx
	}
	if p.State == events.StateEnded {
		st.Reason, st.Error = string(p.Reason), p.Error()
	}
	for _, h := range f.w.Hosts() {
		hs := HostStatus{Host: h.URL, Index: h.Index, State: string(h.StateAt(now)), Failures: h.Failures,
			Bytes: h.Bytes, Throughput: math.Round(h.Throughput())}
		if watch.Until(h.ExpiresAt, now) > 0 {
			hs.ExpiresAt = h.ExpiresAt.UTC().Format(time.RFC3339Nano)
		}
		st.Hosts = append(st.Hosts, hs)
	}
	return st
}

// round3 keeps seconds to the millisecond, as the events print them.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
