// Package report turns the engine's events into output for scripts and
// people: JSON lines on stdout, or the original demo's plain sentences.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"clusterplay/cluster"
)

// jsonEvent is the --json line. Field names are a stable contract; fields
// that do not apply are left out.
type jsonEvent struct {
	TS           string   `json:"ts"`
	Event        string   `json:"event"`
	Host         string   `json:"host,omitempty"`
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
}

func ms(d time.Duration) *float64 {
	v := float64(d.Microseconds()) / 1000
	return &v
}

func seconds(d time.Duration) *float64 {
	v := float64(d.Milliseconds()) / 1000
	return &v
}

// JSON writes one event as a JSON line.
func JSON(w io.Writer, e cluster.Event) error {
	j := jsonEvent{
		TS:    e.Time.Format(time.RFC3339Nano),
		Event: string(e.Kind),
		Host:  e.Host,
		URL:   e.URL,
		Class: e.ErrClass,
		Pass:  e.Pass,
	}
	switch {
	case e.Err != "" && e.ErrClass != "":
		j.Error = e.ErrClass + ": " + e.Err
	case e.Err != "":
		j.Error = e.Err
	}
	if e.HasIndex() && e.Host != "" {
		idx := e.Index
		j.Index = &idx
	}
	switch e.Kind {
	case cluster.EventConnectFailed, cluster.EventConnectCancelled, cluster.EventResolved, cluster.EventFailed:
		j.ElapsedMS = ms(e.Elapsed)
	case cluster.EventSkip:
		j.ExpiryLeftMS = ms(e.ExpiryLeft)
	case cluster.EventFailover:
		j.From, j.To, j.ToHost = e.Host, e.ToHost, e.ToHost
		if e.ToHost != "" {
			to := e.ToIndex
			j.ToIndex = &to
		}
		j.Position = seconds(e.Position)
	case cluster.EventStart:
		j.Position = seconds(e.Position)
		if e.Duration > 0 {
			j.Duration = seconds(e.Duration)
		}
	case cluster.EventEnd:
		j.Reason = e.Reason
		j.Position = seconds(e.Position)
		if e.Duration > 0 {
			j.Duration = seconds(e.Duration)
		}
	}
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// Line returns the human sentence for an event, in the words of the
// original plugin's demo page where it had them.
func Line(e cluster.Event) string {
	switch e.Kind {
	case cluster.EventConnect:
		return "attempting to connect: " + e.Host
	case cluster.EventConnectFailed:
		return fmt.Sprintf("connection failed to: %s (%s)", e.Host, reason(e))
	case cluster.EventConnectCancelled:
		return fmt.Sprintf("connection cancelled: %s (another host answered first)", e.Host)
	case cluster.EventSkip:
		return fmt.Sprintf("skipping: %s (failed recently, retry in %s)", e.Host, round(e.ExpiryLeft))
	case cluster.EventRedirect:
		return fmt.Sprintf("redirected: %s -> %s", e.Host, e.URL)
	case cluster.EventResolved:
		return fmt.Sprintf("connected to: %s (%s in %s)", e.Host, e.URL, round(e.Elapsed))
	case cluster.EventFailed:
		return fmt.Sprintf("all hosts failed (%s)", e.Err)
	case cluster.EventStart:
		return "clip started: " + e.URL
	case cluster.EventFailover:
		to := e.ToHost
		if to == "" {
			to = "no host"
		}
		return fmt.Sprintf("failing over at %s: %s -> %s (%s)", clock(e.Position), e.Host, to, reason(e))
	case cluster.EventEnd:
		if e.Err != "" {
			return fmt.Sprintf("clip ended: %s at %s (%s)", e.Reason, clock(e.Position), e.Err)
		}
		return fmt.Sprintf("clip ended: %s at %s", e.Reason, clock(e.Position))
	}
	return string(e.Kind)
}

// reason is the parenthesised cause of a failure. Classes that say it all
// stand alone, as in the original demo's "(refused)".
func reason(e cluster.Event) string {
	switch {
	case e.ErrClass == cluster.ClassRefused, e.ErrClass == cluster.ClassTimeout, e.ErrClass == cluster.ClassReset:
		return e.ErrClass
	case e.ErrClass == "":
		return e.Err
	case e.Err == "" || e.Err == e.ErrClass:
		return e.ErrClass
	}
	return e.ErrClass + ": " + e.Err
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
