package report

import (
	"fmt"
	"strings"
	"time"

	"clusterplay/events"
)

// steerRequest fills in what `clusterplay steer` says of one request: the
// path and status, the pathway and throughput the player sent, and the
// TTL and priority list it was answered.
func (j *jsonEvent) steerRequest(e events.Event) {
	j.Path, j.Status, j.Pathway = e.Path, e.Status, e.Pathway
	if e.Bitrate > 0 {
		bps := float64(e.Bitrate)
		j.ThroughputBPS = &bps
	}
	if e.TTL > 0 {
		j.TTL = seconds(e.TTL)
		j.Priority = e.Priority
	}
}

// steerRequestLine is the plain sentence of a steer_request.
func steerRequestLine(e events.Event) string {
	said := "no pathway"
	if e.Pathway != "" {
		said = "pathway " + e.Pathway
	}
	if e.Bitrate > 0 {
		said += fmt.Sprintf(", %d bit/s", e.Bitrate)
	}
	if e.Status != 200 {
		return fmt.Sprintf("steering request %s (%s): answered %d", e.URL, said, e.Status)
	}
	return fmt.Sprintf("steering request %s (%s): priority %s, ttl %s", e.URL, said,
		strings.Join(e.Priority, ","), e.TTL.Round(time.Second))
}
