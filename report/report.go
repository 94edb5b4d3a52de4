// Package report turns the engine's events into output for scripts and
// people: JSON lines on stdout, or the original demo's plain sentences;
// and, folded over a whole run, the report at exit (summary.go).
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"clusterplay/events"
)

// jsonEvent is the --json line. Field names are a stable contract; fields
// that do not apply are left out.
type jsonEvent struct {
	TS           string   `json:"ts"`
	Event        string   `json:"event"`
	Host         string   `json:"host,omitempty"`
	Clip         string   `json:"clip,omitempty"`
	App          string   `json:"app,omitempty"`      // resolved (RTMP): ffmpeg's rtmp_app
	PlayPath     string   `json:"playpath,omitempty"` // resolved (RTMP): ffmpeg's rtmp_playpath
	TCURL        string   `json:"tcurl,omitempty"`    // resolved (RTMP): ffmpeg's rtmp_tcurl
	Item         int      `json:"item,omitempty"`     // state, in a playlist: the clip's place from 1
	Items        int      `json:"items,omitempty"`    // state, in a playlist: its length
	Index        *int     `json:"index,omitempty"`
	URL          string   `json:"url,omitempty"`
	Error        string   `json:"error,omitempty"`
	Class        string   `json:"class,omitempty"`
	ElapsedMS    *float64 `json:"elapsed_ms,omitempty"`
	ExpiryLeftMS *float64 `json:"expiry_left_ms,omitempty"`
	Pass         int      `json:"pass,omitempty"`
	From         string   `json:"from,omitempty"` // failover: the host left (same as host)
	To           string   `json:"to,omitempty"`   // failover: the host taking over (same as to_host)
	ToHost       string   `json:"to_host,omitempty"`
	ToIndex      *int     `json:"to_index,omitempty"`
	Position     *float64 `json:"position,omitempty"`
	Duration     *float64 `json:"duration,omitempty"`
	Reason       string   `json:"reason,omitempty"`
	State        string   `json:"state,omitempty"`
	Cache        *float64 `json:"cache,omitempty"`
	ExpiresAt    string   `json:"expires_at,omitempty"` // RFC 3339: until when the host is skipped
	Count        int      `json:"count,omitempty"`      // dropped: events lost by a slow reader
	AttemptMS    *float64 `json:"attempt_ms,omitempty"` // resolved: the winning attempt's own time
	Seamless     bool     `json:"seamless,omitempty"`   // failover: moved mid-body by the relay
	Offset       *int64   `json:"offset,omitempty"`     // failover (seamless): bytes into the response
	GapMS        *float64 `json:"gap_ms,omitempty"`     // failover (the relay's): the player's gap between two hosts' bytes
	Path         string   `json:"path,omitempty"`       // fetch
	Status       int      `json:"status,omitempty"`     // fetch
	Bytes        *int64   `json:"bytes,omitempty"`      // fetch
	Throughput   *float64 `json:"throughput,omitempty"` // fetch: bytes/s
	Rule         string   `json:"rule,omitempty"`       // fault
	Action       string   `json:"action,omitempty"`     // fault
	DelayMS      *float64 `json:"delay_ms,omitempty"`   // hedge: the wait before the second request
	Winner       string   `json:"winner,omitempty"`     // hedge: the host that served
	// The stream's alternatives (steering.go): fetch, failover, steering, pathway.
	Pathway       string   `json:"pathway,omitempty"`
	Priority      []string `json:"priority,omitempty"`       // steering
	TTL           *float64 `json:"ttl,omitempty"`            // steering: seconds
	ThroughputBPS *float64 `json:"throughput_bps,omitempty"` // steer_request: bits/s
	Bitrate       *int64   `json:"bitrate,omitempty"`        // quality: bits/s of the variant switched to
	FromBitrate   *int64   `json:"from_bitrate,omitempty"`   // quality: bits/s of the variant switched from
	Track         string   `json:"track,omitempty"`          // quality: "audio" for an audio track's switch
	// Then the attempt's phases (appendPhases): dns_ms, connect_ms, ...
}

func ms(d time.Duration) *float64 {
	v := float64(d.Microseconds()) / 1000
	return &v
}

// appendPhases adds the phases the attempt began to data, a JSON object,
// as the last fields: KEY_ms in milliseconds, in events.Phases.Begun's
// order. A phase that was begun is never shown as absent, however short.
func appendPhases(data []byte, p events.Phases) ([]byte, error) {
	begun := p.Begun()
	if len(begun) == 0 || len(data) < 2 || data[len(data)-1] != '}' {
		return data, nil
	}
	out := data[:len(data)-1]
	for i, ph := range begun {
		v, err := json.Marshal(ms(ph.D))
		if err != nil {
			return nil, err
		}
		if i > 0 || len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, '"')
		out = append(out, ph.Key...)
		out = append(out, `_ms":`...)
		out = append(out, v...)
	}
	return append(out, '}'), nil
}

func seconds(d time.Duration) *float64 {
	v := float64(d.Milliseconds()) / 1000
	return &v
}

// JSON writes one event as a JSON line.
func JSON(w io.Writer, e events.Event) error {
	j := jsonEvent{
		TS:    e.Time.Format(time.RFC3339Nano),
		Event: string(e.Kind),
		Host:  e.Host,
		URL:   e.URL,
		Class: string(e.Class),
		Pass:  e.Pass,
		Count: e.Count,
		App:   e.App, PlayPath: e.PlayPath, TCURL: e.TCURL,
	}
	if !e.ExpiresAt.IsZero() {
		j.ExpiresAt = e.ExpiresAt.UTC().Format(time.RFC3339Nano)
	}
	switch {
	case e.Err != "" && e.Class != "":
		j.Error = classed(e.Class, e.Err)
	case e.Err != "":
		j.Error = e.Err
	}
	if e.HasIndex() && e.Host != "" {
		idx := e.Index
		j.Index = &idx
	}
	kindFields(&j, e)
	pathwayFields(&j, e)
	data, err := json.Marshal(j)
	if err == nil {
		data, err = appendPhases(data, e.Phases)
	}
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// kindFields sets the fields that only some kinds of event carry.
func kindFields(j *jsonEvent, e events.Event) {
	switch e.Kind {
	case events.ConnectFailed, events.ConnectCancelled, events.Resolved, events.Failed:
		j.ElapsedMS = ms(e.Elapsed)
		if e.Kind == events.Resolved && e.Took > 0 {
			j.AttemptMS = ms(e.Took)
		}
	case events.Skip:
		j.ExpiryLeftMS = ms(e.ExpiryLeft)
	case events.Fetch:
		j.ElapsedMS = ms(e.Elapsed)
		j.Path, j.Status = e.Path, e.Status
		b, tp := e.Bytes, e.Throughput
		j.Bytes, j.Throughput = &b, &tp
	case events.Fault:
		j.Path, j.Rule, j.Action = e.Path, e.Rule, e.Action
	case events.SteerRequest:
		j.steerRequest(e)
	case events.Quality:
		j.From, j.To, j.Reason, j.Path, j.Track = e.FromVariant, e.ToVariant, string(e.Reason), e.Path, e.Track
		b, fb := e.Bitrate, e.FromBitrate
		j.Bitrate, j.FromBitrate = &b, &fb
	case events.Failover:
		j.failover(e)
	case events.Hedge:
		j.Path, j.DelayMS, j.Winner, j.ToHost = e.Path, ms(e.Delay), e.Winner, e.ToHost
		to := e.ToIndex
		j.ToIndex = &to
	case events.Start:
		j.Position = seconds(e.Position)
		if e.Duration > 0 {
			j.Duration = seconds(e.Duration)
		}
	case events.End:
		j.Reason = string(e.Reason)
		j.Position = seconds(e.Position)
		if e.Duration > 0 {
			j.Duration = seconds(e.Duration)
		}
	case events.StateChanged:
		j.State = string(e.State)
		j.Clip, j.Item, j.Items = e.Clip, e.Item, e.Items
		j.Position = seconds(e.Position)
		if e.Duration > 0 {
			j.Duration = seconds(e.Duration)
		}
		j.Cache = seconds(e.Cache)
	}
}

// failover fills in a failover's own fields: where it moved from and to,
// at what offset and after what gap when the relay moved it.
func (j *jsonEvent) failover(e events.Event) {
	if e.Seamless {
		j.Seamless = true
		off := e.Offset
		j.Offset = &off
	}
	j.From, j.To, j.ToHost = e.Host, e.ToHost, e.ToHost
	if e.Gap > 0 {
		j.GapMS = ms(e.Gap)
	}
	if e.ToHost != "" {
		to := e.ToIndex
		j.ToIndex = &to
	}
	j.Position = seconds(e.Position)
}

// Line returns the human sentence for an event, in the words of the
// original plugin's demo page where it had them.
func Line(e events.Event) string {
	switch e.Kind {
	case events.Connect:
		return "attempting to connect: " + e.Host
	case events.ConnectFailed:
		return fmt.Sprintf("connection failed to: %s (%s)", e.Host, reason(e))
	case events.ConnectCancelled:
		why := e.Err // another host answered first, the user moved on, ...
		if why == "" {
			why = "another host answered first"
		}
		return fmt.Sprintf("connection cancelled: %s (%s)", e.Host, why)
	case events.Skip:
		return fmt.Sprintf("skipping: %s (failed recently, retry in %s)", e.Host, round(e.ExpiryLeft))
	case events.Redirect:
		return fmt.Sprintf("redirected: %s -> %s", e.Host, e.URL)
	case events.Resolved:
		took := e.Elapsed
		if e.Took > 0 {
			took = e.Took // this host's attempt, not the whole resolution
		}
		return fmt.Sprintf("connected to: %s (%s in %s)", e.Host, e.URL, round(took))
	case events.Failed:
		return fmt.Sprintf("all hosts failed (%s)", e.Err)
	case events.Start:
		return "clip started: " + e.URL
	case events.Failover:
		to := e.ToHost
		if to == "" {
			to = "no host"
		}
		if e.Seamless {
			return fmt.Sprintf("seamless failover at byte %d: %s -> %s (%s)", e.Offset, e.Host, to, reason(e))
		}
		return fmt.Sprintf("failing over at %s: %s -> %s (%s)", clock(e.Position), e.Host, to, reason(e))
	case events.End:
		// Says which end it was: the clip's own, or an error and why.
		switch {
		case e.Reason == events.ReasonEOF:
			return fmt.Sprintf("clip ended: eof at %s (end of clip)", clock(e.Position))
		case e.Err != "" || e.Class != "":
			return fmt.Sprintf("clip ended: %s at %s (%s)", e.Reason, clock(e.Position), reason(e))
		}
		return fmt.Sprintf("clip ended: %s at %s", e.Reason, clock(e.Position))
	case events.LocalError:
		return "local error: " + e.Err
	case events.Fetch:
		return fmt.Sprintf("fetched %s from %s: %d, %d bytes in %s (%s/s)", e.Path, e.Host, e.Status, e.Bytes, round(e.Elapsed), ByteSize(e.Throughput))
	case events.Listening:
		if e.Message != "" {
			return e.Message + " listening: " + e.URL // clusterplay steer's
		}
		return "relay listening: " + e.URL
	case events.SteerRequest:
		return steerRequestLine(e)
	case events.Steering, events.Pathway:
		return pathwayLine(e)
	case events.Fault:
		return fmt.Sprintf("injecting %s into %s %s (%s)", e.Action, e.Host, e.Path, e.Rule)
	case events.Hedge:
		winner := e.Winner
		if winner == "" {
			winner = "neither"
		}
		return fmt.Sprintf("hedged %s after %s: %s -> %s (served by %s)", e.Path, round(e.Delay), e.Host, e.ToHost, winner)
	case events.Quality:
		return qualityLine(e)
	case events.HostFailed:
		return fmt.Sprintf("marked failed: %s (%s)", e.Host, e.Err)
	case events.Dropped:
		return fmt.Sprintf("%d events dropped: the output was not read fast enough", e.Count)
	case events.StateChanged:
		if e.Duration > 0 {
			return fmt.Sprintf("playback %s at %s / %s", e.State, clock(e.Position), clock(e.Duration))
		}
		return fmt.Sprintf("playback %s at %s", e.State, clock(e.Position))
	}
	return string(e.Kind)
}

// reason is the parenthesised cause of a failure. Classes that say it all
// stand alone, as in the original demo's "(refused)".
func reason(e events.Event) string {
	class := string(e.Class)
	switch {
	case e.Class == events.ClassRefused, e.Class == events.ClassTimeout, e.Class == events.ClassReset:
		return class
	case e.Class == "":
		return e.Err
	case e.Err == "" || e.Err == class:
		return class
	}
	return classed(e.Class, e.Err)
}

// classed puts the class before a message, once: Go's TLS errors already
// begin with "tls: ", which read "tls: tls: ..." behind the class.
func classed(class events.Class, msg string) string {
	if strings.HasPrefix(msg, string(class)+": ") {
		return msg
	}
	return string(class) + ": " + msg
}

// round shows a duration to the millisecond below a second and to the
// tenth of a second above, which is as exact as a person reads it.
func round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}

// clock formats a playback position as m:ss.
func clock(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// ByteSize shows a byte count or rate the way a person reads it.
func ByteSize(n float64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", n/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", n/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", n/(1<<10))
	}
	return fmt.Sprintf("%.0f B", n)
}

// qualityLine is a quality event's plain line; an audio rendition's
// switch says its track: quality audio aac-192k -> aac-64k (71k, buffer).
func qualityLine(e events.Event) string {
	track := ""
	if e.Track != "" {
		track = e.Track + " "
	}
	return fmt.Sprintf("quality %s%s -> %s (%dk, %s)", track, e.FromVariant, e.ToVariant, (e.Bitrate+500)/1000, e.Reason)
}
