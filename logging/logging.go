// Package logging builds clusterplay's diagnostic log on log/slog: the
// original plugin's debug log, with its level and its filter on component
// names. The log is for a person finding out why; the events (--json and
// the plain lines) stay the contract for scripts and are not changed by
// it.
//
// Every package that logs takes a *slog.Logger in its options, named
// after it with For; nil means discard. The handler New builds drops what
// the level or the filter leaves out before a line is formatted, and
// hides secrets in every message and string attribute, as the events do.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"clusterplay/events"
)

// Key is the attribute that names a line's component.
const Key = "component"

// The components, as --log-filter names them.
const (
	Cluster       = "cluster"        // resolutions and passes
	ClusterHTTP   = "cluster.http"   // HTTP(S) attempts
	ClusterRTMP   = "cluster.rtmp"   // RTMP attempts
	ClusterMemory = "cluster.memory" // the failure memory's decisions
	Playback      = "playback"       // the session: stalls, ends, failovers
	Player        = "player"         // libmpv and mpv's own log
	Relay         = "relay"          // the relay's splices and the files it refuses
	UI            = "ui"
)

// Components lists every component, for --log-filter's check and --help.
var Components = []string{Cluster, ClusterHTTP, ClusterRTMP, ClusterMemory, Playback, Player, Relay, UI}

// Levels and Formats are the words --log-level and --log-format take.
var (
	Levels  = []string{"debug", "info", "warn", "error"}
	Formats = []string{"text", "json"}
)

// Options say what New logs and how.
type Options struct {
	Level  slog.Level
	Filter Filter
	JSON   bool // JSON lines instead of slog's key=value text
}

// ParseLevel reads one of Levels.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("want one of %s, got %q", strings.Join(Levels, ", "), s)
}

// New returns a logger that writes to w.
func New(w io.Writer, o Options) *slog.Logger {
	ho := &slog.HandlerOptions{Level: o.Level}
	var inner slog.Handler = slog.NewTextHandler(w, ho)
	if o.JSON {
		inner = slog.NewJSONHandler(w, ho)
	}
	return slog.New(&handler{inner: inner, level: o.Level, filter: o.Filter})
}

// For returns l naming its lines after component. On a logger of New it
// replaces the component l had, so a package can name its parts
// (cluster -> cluster.http). A nil l gives a logger that discards.
func For(l *slog.Logger, component string) *slog.Logger {
	if l == nil {
		return Discard()
	}
	return l.With(Key, component)
}

// Discard is a logger that writes nothing and asks for nothing.
func Discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// Or is l, or a logger that discards when l is nil: what an Options.Log
// left unset means.
func Or(l *slog.Logger) *slog.Logger {
	if l == nil {
		return Discard()
	}
	return l
}

// MS is a duration as the log's numbers are: milliseconds, to the
// microsecond, as --json's elapsed_ms.
func MS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// PhaseAttrs are an attempt's phases as attributes (dns_ms, connect_ms,
// ...), only those it began, named as --json names them.
func PhaseAttrs(p events.Phases) []any {
	var out []any
	for _, ph := range p.Begun() {
		out = append(out, slog.Float64(ph.Key+"_ms", MS(ph.D)))
	}
	return out
}
