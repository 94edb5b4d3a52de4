package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"clusterplay/events"
)

// qualityTally folds the quality events (--quality auto, or a key): the
// time each variant served, from the first frame to the switch away from
// it (or the last event), the switches, and the bitrate of each variant
// the events named. A run without a switch names no variant: its time
// per variant is empty.
type qualityTally struct {
	switches int
	current  string
	since    time.Time
	time     map[string]time.Duration
	bitrate  map[string]int64
}

func (q *qualityTally) add(e events.Event, firstFrame time.Time) {
	if q.time == nil {
		q.time, q.bitrate = map[string]time.Duration{}, map[string]int64{}
	}
	q.switches++
	q.bitrate[e.ToVariant] = e.Bitrate
	if e.FromBitrate > 0 {
		q.bitrate[e.FromVariant] = e.FromBitrate
	}
	if q.current == "" {
		q.current, q.since = e.FromVariant, firstFrame
	}
	q.close(e.Time)
	q.current = e.ToVariant
}

// close counts the current variant's time up to at.
func (q *qualityTally) close(at time.Time) {
	if q.current == "" || q.since.IsZero() || !at.After(q.since) {
		q.since = at
		return
	}
	q.time[q.current] += at.Sub(q.since)
	q.since = at
}

// fill sets the totals' quality numbers, the current variant's time
// counted to last.
func (q qualityTally) fill(t *Totals, last time.Time) {
	t.QualitySwitches = q.switches
	t.TimePerVariant = map[string]float64{}
	if q.current == "" {
		return
	}
	open := qualityTally{current: q.current, since: q.since, time: map[string]time.Duration{}}
	for k, v := range q.time {
		open.time[k] = v
	}
	open.close(last)
	var weighted, total float64
	for name, d := range open.time {
		t.TimePerVariant[name] = millis(d)
		if b := q.bitrate[name]; b > 0 {
			weighted += float64(b) * d.Seconds()
			total += d.Seconds()
		}
	}
	if total > 0 {
		mean := math.Round(weighted / total)
		t.MeanBitratePlayed = &mean
	}
}

// qualityText is the markdown's row of the quality numbers: switches,
// time per variant, the mean bitrate.
func qualityText(t Totals) string {
	names := make([]string, 0, len(t.TimePerVariant))
	for n := range t.TimePerVariant {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + " " + duration(t.TimePerVariant[n])
	}
	text := fmt.Sprintf("%d (%s)", t.QualitySwitches, strings.Join(parts, ", "))
	if t.MeanBitratePlayed != nil {
		text += fmt.Sprintf("; mean bitrate played %.0fk", *t.MeanBitratePlayed/1000)
	}
	return text
}
