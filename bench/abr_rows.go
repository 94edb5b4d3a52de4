package main

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"clusterplay/config"
	"clusterplay/loopback"
)

// asUsage is errors.As for a usage error: a mode whose flag this build
// does not know.
func asUsage(err error, target **config.UsageError) bool { return errors.As(err, target) }

// abrRows are section 11's rows: for each mode, the rebuffers, the time
// stalled and the mean bitrate played, one beside the other.
func abrRows(runs map[string][]abrRun, skipped []string) []row {
	setup := fmt.Sprintf("HLS ladder %s over MPEG-TS made with ffmpeg (%d s of %d s segments), one host whose link (all its responses together) carries %.1f× the middle variant's BANDWIDTH (%s)",
		ladderWords(), ladderSeconds, loopback.LadderSegment, linkFactor, kbps(linkFactor*float64(loopback.Ladder[1].Bandwidth)))
	var rows []row
	for _, m := range abrModes {
		rs := runs[m.name]
		if len(rs) == 0 {
			if contains(skipped, m.name) {
				rows = append(rows, row{sec: "11", what: "ABR, " + m.name, value: "—", n: "0", note: "this build has no such flag"})
			}
			continue
		}
		col := func(f func(abrRun) float64) summary {
			var xs []float64
			for _, r := range rs {
				if v := f(r); !math.IsNaN(v) {
					xs = append(xs, v)
				}
			}
			return summarize(xs)
		}
		reb := col(func(r abrRun) float64 { return float64(r.rebuffers) })
		stalled := col(func(r abrRun) float64 { return ms(r.stalled) })
		rate := col(func(r abrRun) float64 { return r.bitrate / 1000 })
		var ends []string
		blank := 0
		for _, r := range rs {
			ends = append(ends, r.end)
			if !r.played {
				blank++
			}
		}
		stallNote := "in buffering or connecting after the first frame"
		if blank > 0 {
			stallNote += fmt.Sprintf("; no frame at all in %d of %d runs, which count as stalled throughout", blank, len(rs))
		}
		rateNote := "mean BANDWIDTH of the variant that sent each segment whole (an abandoned segment is cut short and sent whole by a lower variant)"
		if !m.relay {
			rateNote = "the HLS bitrate of the video track mpv plays (`current-tracks/video/hls-bitrate`); ffmpeg fetches every variant's segments"
		}
		rows = append(rows,
			countRow("11", "ABR, "+m.name+": rebuffers", reb, "moves from playing into buffering or connecting; `end`: "+strings.Join(ends, ", ")+"; "+setup),
			msRow("11", "ABR, "+m.name+": time stalled", stalled, "", nil, stallNote),
			row{sec: "11", what: "ABR, " + m.name + ": mean bitrate played", value: fmtNum(rate.median, 0) + " kbit/s",
				spread: fmtSpreadNum(rate, 0), n: fmt.Sprint(rate.n), note: rateNote},
		)
	}
	return rows
}

func ladderWords() string {
	var w []string
	for _, r := range loopback.Ladder {
		w = append(w, kbps(float64(r.Bandwidth)))
	}
	return strings.Join(w, "/")
}

func kbps(bps float64) string { return fmt.Sprintf("%.0fk", bps/1000) }

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
