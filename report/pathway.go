package report

import (
	"fmt"
	"strings"

	"clusterplay/events"
)

// pathwayFields sets what the stream's own alternatives add to an event:
// the pathway a fetch or failover concerns, and a steering answer's or a
// pathway move's own fields.
func pathwayFields(j *jsonEvent, e events.Event) {
	switch e.Kind {
	case events.Steering:
		j.Pathway, j.Status = e.Pathway, e.Status
		j.Priority = append([]string{}, e.Priority...)
		j.TTL = seconds(e.TTL)
	case events.Pathway:
		j.From, j.To, j.Reason = e.PathwayFrom, e.Pathway, string(e.Reason)
		j.ToHost = e.ToHost
		if e.ToHost != "" {
			to := e.ToIndex
			j.ToIndex = &to
		}
	default:
		j.Pathway = e.Pathway
	}
}

// pathwayLine is the sentence of a steering answer or a pathway move.
func pathwayLine(e events.Event) string {
	if e.Kind == events.Pathway {
		return fmt.Sprintf("pathway %s -> %s (%s)", orNone(e.PathwayFrom), orNone(e.Pathway), e.Reason)
	}
	if e.Err != "" {
		return fmt.Sprintf("steering %s: %s (%s)", e.URL, statusWord(e.Status), reason(e))
	}
	return fmt.Sprintf("steering %s: %d, ttl %s, priority %s, pathway %s", e.URL, e.Status,
		round(e.TTL), strings.Join(e.Priority, ","), orNone(e.Pathway))
}

func statusWord(status int) string {
	if status == 0 {
		return "no answer"
	}
	return fmt.Sprint(status)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
