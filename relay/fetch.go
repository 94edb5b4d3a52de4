package relay

import (
	"time"

	"clusterplay/events"
)

// part is one host's share of a response, said as a fetch event when it
// ends: which host, what path, how many bytes, how fast.
type part struct {
	bytes int64
	began time.Time
}

func newPart(up *upstream) *part { return &part{began: up.began} }

func (r *Relay) finishPart(p *part, up *upstream) {
	el := time.Since(p.began)
	rate := 0.0
	if el > 0 {
		rate = float64(p.bytes) / el.Seconds()
	}
	r.publish(events.Event{Kind: events.Fetch, Host: up.host.URL, Index: up.host.Index, Path: up.path,
		Status: up.status, Bytes: p.bytes, Elapsed: el, Throughput: rate})
}
