package report

import (
	"testing"
	"time"

	"clusterplay/events"
)

// TestQualityTotals: time per variant from the first frame, switch by
// switch, the last variant's to the last event; the mean bitrate weighted
// by that time.
func TestQualityTotals(t *testing.T) {
	began := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return began.Add(time.Duration(s) * time.Second) }
	s := NewSummary(began, []string{"http://a/"})
	s.Add(events.Event{Time: at(1), Kind: events.Start, Host: "http://a/", Index: 0})
	s.Add(events.Event{Time: at(5), Kind: events.Quality, Index: -1, FromVariant: "480p", ToVariant: "240p",
		Bitrate: 400_000, FromBitrate: 1_200_000, Reason: events.QualityEstimate})
	s.Add(events.Event{Time: at(7), Kind: events.Quality, Index: -1, FromVariant: "240p", ToVariant: "720p",
		Bitrate: 3_000_000, FromBitrate: 400_000, Reason: events.QualityEstimate})
	// An audio set's switch counts neither as a switch nor as time.
	s.Add(events.Event{Time: at(8), Kind: events.Quality, Index: -1, FromVariant: "128k", ToVariant: "64k",
		Bitrate: 64_000, FromBitrate: 128_000, Reason: events.QualityEstimate, Track: "audio"})
	s.Add(events.Event{Time: at(9), Kind: events.End, Host: "http://a/", Index: 0, Reason: events.ReasonEOF})
	tot := s.Document(0, at(9)).Totals
	want := map[string]float64{"480p": 4000, "240p": 2000, "720p": 2000}
	if tot.QualitySwitches != 2 || len(tot.TimePerVariant) != 3 {
		t.Fatalf("totals %+v", tot)
	}
	for k, v := range want {
		if tot.TimePerVariant[k] != v {
			t.Errorf("%s: %v ms, want %v", k, tot.TimePerVariant[k], v)
		}
	}
	// (1.2M*4 + 0.4M*2 + 3M*2) / 8 = 1.45M
	if tot.MeanBitratePlayed == nil || *tot.MeanBitratePlayed != 1_450_000 {
		t.Errorf("mean bitrate %v, want 1450000", tot.MeanBitratePlayed)
	}
	if empty := NewSummary(began, nil).Document(0, at(1)).Totals; empty.MeanBitratePlayed != nil || empty.QualitySwitches != 0 {
		t.Errorf("no switch: %+v", empty)
	}
}
