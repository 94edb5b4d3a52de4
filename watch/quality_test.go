package watch

import (
	"testing"

	"clusterplay/events"
)

// TestPlaybackQuality: the variant is the last quality event's to, the
// estimate the last segment fetch's rate in bits/s; a playlist's fetch
// says nothing of the link.
func TestPlaybackQuality(t *testing.T) {
	for _, c := range []struct {
		name     string
		evs      []events.Event
		quality  string
		estimate float64
	}{
		{"none yet", nil, "", 0},
		{"a switch", []events.Event{{Kind: events.Quality, Index: -1, FromVariant: "480p", ToVariant: "720p"}}, "720p", 0},
		{"an audio switch is not the bar's", []events.Event{{Kind: events.Quality, Index: -1, FromVariant: "480p", ToVariant: "720p"},
			{Kind: events.Quality, Index: -1, FromVariant: "128k", ToVariant: "64k", Track: "audio"}}, "720p", 0},
		{"a segment's rate", []events.Event{{Kind: events.Fetch, Index: 0, Host: hosts[0], Path: "v/seg1.ts", Throughput: 250_000}}, "", 2_000_000},
		{"a playlist's is no estimate", []events.Event{
			{Kind: events.Fetch, Index: 0, Host: hosts[0], Path: "v/seg1.ts", Throughput: 250_000},
			{Kind: events.Fetch, Index: 0, Host: hosts[0], Path: "v/index.m3u8", Throughput: 1000}}, "", 2_000_000},
	} {
		f := New(Options{Hosts: hosts})
		for _, ev := range c.evs {
			ev.Time = at(100)
			f.Apply(ev)
		}
		if p := f.Playback(); p.Quality != c.quality || p.Estimate != c.estimate {
			t.Errorf("%s: quality %q estimate %v, want %q %v", c.name, p.Quality, p.Estimate, c.quality, c.estimate)
		}
	}
}
