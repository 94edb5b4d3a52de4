package control

import (
	"math"
	"time"

	"clusterplay/events"
)

// Status is get_status's answer, folded from the same events that --json
// prints: it can never say something the event stream did not.
type Status struct {
	State         string       `json:"state"`
	Clip          string       `json:"clip,omitempty"`
	Host          string       `json:"host,omitempty"`
	Index         *int         `json:"index,omitempty"`
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
}

// fold keeps Status up to date from events.
type fold struct {
	st      Status
	expires []time.Time
}

func newFold(hosts []string, clip string, lb bool) *fold {
	f := &fold{st: Status{State: string(events.StateIdle), Clip: clip, LoadBalancing: lb}, expires: make([]time.Time, len(hosts))}
	for i, h := range hosts {
		f.st.Hosts = append(f.st.Hosts, HostStatus{Host: events.RedactURL(h), Index: i, State: "untried"})
	}
	return f
}

func (f *fold) host(i int) *HostStatus {
	if i < 0 || i >= len(f.st.Hosts) {
		return nil
	}
	return &f.st.Hosts[i]
}

func (f *fold) setHost(i int, state string, expires time.Time) {
	h := f.host(i)
	if h == nil {
		return
	}
	h.State, f.expires[i] = state, expires
}

func (f *fold) serve(i int) {
	for j := range f.st.Hosts {
		if f.st.Hosts[j].State == "serving" && j != i {
			f.st.Hosts[j].State = "idle"
		}
	}
	f.setHost(i, "serving", time.Time{})
	if h := f.host(i); h != nil {
		idx := i
		f.st.Host, f.st.Index = h.Host, &idx
	}
}

func (f *fold) apply(ev events.Event) {
	st := &f.st
	switch ev.Kind {
	case events.StateChanged:
		st.State = string(ev.State)
		if ev.Clip != "" {
			st.Clip = ev.Clip
		}
		st.Position, st.Duration, st.Cache = ev.Position.Seconds(), ev.Duration.Seconds(), ev.Cache.Seconds()
	case events.Tick:
		st.Position, st.Duration, st.Cache = ev.Position.Seconds(), ev.Duration.Seconds(), ev.Cache.Seconds()
	case events.LoadBalancing:
		st.LoadBalancing = ev.On
	case events.Connect:
		f.setHost(ev.Index, "connecting", time.Time{})
	case events.ConnectFailed, events.HostFailed:
		if h := f.host(ev.Index); h != nil && h.State != "serving" {
			f.setHost(ev.Index, "failed", ev.ExpiresAt)
		}
	case events.ConnectCancelled:
		f.setHost(ev.Index, "cancelled", time.Time{})
	case events.Skip:
		f.setHost(ev.Index, "skipped", ev.ExpiresAt)
	case events.Resolved, events.Start:
		f.serve(ev.Index)
	case events.Failover:
		if ev.Class == events.ClassSwitch {
			f.setHost(ev.Index, "idle", time.Time{})
		} else {
			f.setHost(ev.Index, "failed", ev.ExpiresAt)
		}
		f.serve(ev.ToIndex)
	case events.End:
		if h := f.host(ev.Index); h != nil && h.State == "serving" {
			h.State = "idle"
		}
		st.Host, st.Index = "", nil
		st.Position = ev.Position.Seconds()
	}
}

// status is a copy of the status at now: expiries past are dropped.
func (f *fold) status(now time.Time) Status {
	st := f.st
	st.Position, st.Duration, st.Cache = round3(st.Position), round3(st.Duration), round3(st.Cache)
	st.Hosts = append([]HostStatus(nil), f.st.Hosts...)
	for i := range st.Hosts {
		if exp := f.expires[i]; !exp.IsZero() && exp.After(now) {
			st.Hosts[i].ExpiresAt = exp.UTC().Format(time.RFC3339Nano)
		} else if st.Hosts[i].State == "skipped" {
			st.Hosts[i].State = "failed" // remembered no longer
		}
	}
	return st
}

// round3 keeps seconds to the millisecond, as the events print them.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
