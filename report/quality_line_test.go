package report

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"clusterplay/events"
)

// TestQualityEventWords: the quality event's JSON fields and plain line,
// as docs/events.md gives them.
func TestQualityEventWords(t *testing.T) {
	e := events.Event{Time: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC), Kind: events.Quality, Index: -1,
		Path: "ladder/master.m3u8", FromVariant: "720p", ToVariant: "240p", Bitrate: 400_000, FromBitrate: 3_000_000,
		Reason: events.QualityAbandon}
	var b bytes.Buffer
	if err := JSON(&b, e); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{"event": "quality", "from": "720p", "to": "240p", "bitrate": 400000.0,
		"from_bitrate": 3000000.0, "reason": "abandon", "path": "ladder/master.m3u8"} {
		if got[k] != v {
			t.Errorf("%s = %v, want %v (%s)", k, got[k], v, b.String())
		}
	}
	if line := Line(e); line != "quality 720p -> 240p (400k, abandon)" {
		t.Errorf("plain line %q", line)
	}
	if _, ok := got["track"]; ok {
		t.Errorf("a video switch has a track: %s", b.String())
	}
	e.Track, e.FromVariant, e.ToVariant, e.Bitrate, e.FromBitrate = "audio", "128k", "64k", 64_000, 128_000
	b.Reset()
	if err := JSON(&b, e); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil || got["track"] != "audio" {
		t.Errorf("an audio switch's track: %s", b.String())
	}
	if line := Line(e); line != "quality audio 128k -> 64k (64k, abandon)" {
		t.Errorf("plain line %q", line)
	}
}
