package playback

import (
	"time"

	"clusterplay/events"
	"clusterplay/player"
)

// setState publishes a change of playback state, with where playback is at
// that moment. It is called on every change and only then, so --json
// carries a handful of state lines per clip, not a stream of them.
func (r *run) setState(st events.State) {
	if st == r.state {
		return
	}
	r.state = st
	item, items := 0, 0
	if len(r.list) > 1 {
		item, items = r.item+1, len(r.list)
	}
	r.publish(events.Event{Kind: events.StateChanged, Index: r.hostIndex(), Host: r.hostURL(), State: st, Clip: r.clip,
		Item: item, Items: items,
		Position: r.position, Duration: r.duration, Cache: r.cache})
}

// tick is what the last internal tick said; a tick is published when the
// position has moved for tickInterval or anything else changed.
type tick struct {
	at            time.Time
	position      time.Duration
	cache         time.Duration
	volume        float64
	speed         float64
	muted, window bool
}

// tickInterval paces position ticks for a UI that shows whole seconds and
// a cache to the tenth.
const tickInterval = 100 * time.Millisecond

// tick publishes the player's progress for a UI, as an internal event that
// --json and the plain lines never show.
func (r *run) tick(ev player.Event) {
	now := r.clock.Now()
	t := tick{at: now, position: r.position, cache: ev.Cache, volume: ev.Volume, speed: ev.Speed, muted: ev.Muted, window: ev.Window}
	last := r.lastTick
	same := last.volume == t.volume && last.speed == t.speed && last.muted == t.muted && last.window == t.window
	if same && (now.Sub(last.at) < tickInterval || (last.position == t.position && last.cache == t.cache)) {
		return
	}
	r.lastTick = t
	r.publish(events.Event{Kind: events.Tick, Index: r.hostIndex(), Host: r.hostURL(), State: r.state,
		Position: r.position, Duration: r.duration, Cache: ev.Cache, Volume: ev.Volume, Muted: ev.Muted, Window: ev.Window,
		Speed: ev.Speed, Live: ev.Live, Behind: ev.Behind})
}

func (r *run) hostIndex() int {
	if h := r.serving(); h != nil {
		return h.Index
	}
	return -1
}

func (r *run) hostURL() string {
	if h := r.serving(); h != nil {
		return h.URL
	}
	return ""
}
