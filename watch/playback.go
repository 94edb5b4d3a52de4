package watch

import (
	"strings"
	"time"

	"clusterplay/events"
)

// StateFailed is the playback's state once no host answered the clip: the
// session publishes no state for it (nothing plays, and it waits), but a
// reader must not go on saying connecting.
const StateFailed events.State = "failed"

// Playback is what plays now, as the state, tick and playback events said.
type Playback struct {
	// State: idle (no clip yet), connecting, buffering, playing, paused,
	// ended, or failed (no host answered the clip).
	State events.State
	Clip  string
	Item  int // the clip's place in the playlist, from 1; 0 when no playlist
	Items int

	Host  string // the serving host's base URL; "" none
	Index int    // its place in the host list; -1 none

	Position time.Duration
	Duration time.Duration // 0 unknown, or live
	Cache    time.Duration // media buffered ahead
	Live     bool          // a live stream: no duration, an edge to catch up with
	Behind   time.Duration // live: how far behind the newest data; 0 unknown
	Speed    float64       // 0 not known yet, 1 normal
	Volume   float64
	Muted    bool
	Window   bool // the player shows a video window

	LoadBalancing bool

	// Quality is the variant the relay serves since its last switch
	// (quality events); "" before one. Estimate is the link as the last
	// segment fetch measured it, bits/s.
	Quality  string
	Estimate float64

	// How the last playback ended, while State is ended: its reason
	// (eof, quit, error) and, after an error, its class and message.
	Reason events.Reason
	Class  events.Class
	Err    string
}

// Ended says how the playback ended in a few words: "end of clip",
// "error: stall: no progress for 3s", "quit"; "" while it has not.
func (p Playback) Ended() string {
	if p.State != events.StateEnded {
		return ""
	}
	switch p.Reason {
	case events.ReasonEOF:
		return "end of clip"
	case events.ReasonError:
		if msg := p.Error(); msg != "" {
			return "error: " + msg
		}
		return "error"
	}
	return string(p.Reason)
}

// Error is the error the playback ended with, its class first as the
// end event's JSON error field reads ("stall: no progress for 3s"); ""
// when it did not end in error.
func (p Playback) Error() string {
	switch {
	case p.State != events.StateEnded:
		return ""
	case p.Class != "" && p.Err != "" && !strings.HasPrefix(p.Err, string(p.Class)+": "):
		return string(p.Class) + ": " + p.Err
	case p.Err != "":
		return p.Err
	}
	return string(p.Class)
}

// setState changes the state; leaving ended forgets how it ended.
func (p *Playback) setState(st events.State) {
	p.State = st
	if st != events.StateEnded {
		p.Reason, p.Class, p.Err = "", "", ""
	}
}

func (p *Playback) setHost(host string, index int) {
	p.Host, p.Index = host, index
	if host == "" {
		p.Index = -1
	}
}

// applyPlayback folds an event into the playback.
func (f *Fold) applyPlayback(ev events.Event) {
	p := &f.play
	switch ev.Kind {
	case events.Tick:
		p.Position, p.Duration, p.Cache = ev.Position, ev.Duration, ev.Cache
		p.Volume, p.Muted, p.Window = ev.Volume, ev.Muted, ev.Window
		p.Live, p.Behind = ev.Live, ev.Behind
		if ev.Speed > 0 {
			p.Speed = ev.Speed
		}
		if ev.Host != "" {
			p.setHost(ev.Host, f.Row(ev.Index, ev.Host))
		}
		if ev.State != "" {
			p.setState(ev.State)
		}
	case events.StateChanged:
		p.setState(ev.State)
		if ev.Clip != "" {
			p.Clip = ev.Clip // a script's load, the prompt's, the playlist's next
		}
		p.Item, p.Items = ev.Item, ev.Items
		p.Position, p.Duration, p.Cache = ev.Position, ev.Duration, ev.Cache
		if ev.Host != "" {
			p.setHost(ev.Host, f.Row(ev.Index, ev.Host))
		}
	case events.LoadBalancing:
		p.LoadBalancing = ev.On
	case events.Quality:
		if ev.Track == "" { // the bar shows the video's variant
			p.Quality = ev.ToVariant
		}
	case events.Fetch:
		if ev.Throughput > 0 && !strings.Contains(ev.Path, ".m3u") && !strings.HasSuffix(ev.Path, ".mpd") {
			p.Estimate = ev.Throughput * 8
		}
	case events.Connect:
		switch p.State {
		case "", events.StateIdle, events.StateEnded, StateFailed:
			p.setState(events.StateConnecting)
		}
	case events.Resolved:
		p.setHost(ev.Host, f.Row(ev.Index, ev.Host))
	case events.Start:
		p.setState(events.StatePlaying)
		p.setHost(ev.Host, f.Row(ev.Index, ev.Host))
		p.Position, p.Duration = ev.Position, ev.Duration
		p.Live, p.Behind = false, 0 // the ticks say whether this one is
	case events.Failover:
		if !ev.Seamless { // a seamless one the player never noticed
			p.setState(events.StateConnecting)
			p.Position = ev.Position
		}
		if ev.Pathway == "" { // a stream's pathway serves a request, not the clip
			p.setHost(ev.ToHost, f.Row(ev.ToIndex, ev.ToHost))
		}
	case events.Failed:
		if !f.shown {
			p.setState(StateFailed)
			p.setHost("", -1)
			p.Live, p.Behind = false, 0
		}
	case events.End:
		p.setState(events.StateEnded)
		p.Reason, p.Class, p.Err = ev.Reason, ev.Class, ev.Err
		p.setHost("", -1)
		p.Position = ev.Position
		p.Live, p.Behind = false, 0
		if ev.Duration > 0 {
			p.Duration = ev.Duration
		}
	}
	// The position never shows a clip past its end.
	if p.Duration > 0 && p.Position > p.Duration {
		p.Position = p.Duration
	}
}
