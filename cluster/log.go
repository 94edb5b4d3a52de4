package cluster

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"clusterplay/events"
	"clusterplay/logging"
)

// What the engine writes to the log (package logging) at debug: every
// attempt with its URL, outcome and phases, and every decision of the
// failure memory with the numbers it was judged on. The events say what
// happened; the log says why.

// engineLogs are the engine's loggers, one per component.
type engineLogs struct {
	cluster, http, rtmp, memory *slog.Logger
}

func newEngineLogs(l *slog.Logger) engineLogs {
	l = logging.Or(l)
	return engineLogs{
		cluster: l,
		http:    logging.For(l, logging.ClusterHTTP),
		rtmp:    logging.For(l, logging.ClusterRTMP),
		memory:  logging.For(l, logging.ClusterMemory),
	}
}

// attemptLog is the logger of the attempts on h, by its protocol. Attempts
// are told at debug only; below that the logger is handed on bare, so a
// thousand hosts cost no formatting of attributes nobody reads.
func (e *Engine) attemptLog(h *Host, pass int) *slog.Logger {
	l := e.logs.http
	if s := h.Scheme(); s == "rtmp" || s == "rtmps" {
		l = e.logs.rtmp
	}
	if !l.Enabled(context.Background(), slog.LevelDebug) {
		return l
	}
	return l.With("host", h.URL, "index", h.Index, "pass", pass)
}

// logOutcome logs how an attempt ended; class is "" for a success.
func logOutcome(l *slog.Logger, url string, class events.Class, err error, elapsed time.Duration, p events.Phases) {
	args := []any{"url", url, "elapsed_ms", logging.MS(elapsed)}
	args = append(args, logging.PhaseAttrs(p)...)
	switch {
	case class == "":
		l.Debug("attempt succeeded", args...)
	case class == events.ClassCancelled:
		l.Debug("attempt cancelled: another host answered first", args...)
	default:
		l.Debug("attempt failed", append(args, "class", string(class), "err", describe(err))...)
	}
}

// logSkip says why a host is not tried this pass.
func (e *Engine) logSkip(h *Host, left time.Duration) {
	r, _ := e.mem.Record(h.Key())
	e.logs.memory.Debug("skip: failed recently", "host", h.URL, "index", h.Index, "expiry_left_ms", logging.MS(left),
		"failed_at", r.FailedAt, "failure_expiry", e.opts.FailureExpiry, "failures", r.Failures)
}

// logExpired says that a host remembered as failed is tried again
// because its failure expired, and how long ago.
func (e *Engine) logExpired(h *Host, now time.Time) {
	r, ok := e.mem.Record(h.Key())
	if !ok || r.FailedAt.IsZero() {
		return
	}
	e.logs.memory.Debug("failure expired: trying again", "host", h.URL, "index", h.Index, "failed_at", r.FailedAt,
		"failure_expiry", e.opts.FailureExpiry, "expired_ms_ago", logging.MS(now.Sub(r.FailedAt.Add(e.opts.FailureExpiry))))
}

// recordFailed remembers h as failed at at, and logs until when.
func (e *Engine) recordFailed(h *Host, at time.Time, why string) {
	e.mem.Failed(h.Key(), at)
	r, _ := e.mem.Record(h.Key())
	e.logs.memory.Debug("remembered as failed: "+why, "host", h.URL, "index", h.Index, "until", e.expiresAt(at),
		"failure_expiry", e.opts.FailureExpiry, "failures", r.Failures)
}

// recordSuccess clears h's failure and feeds its latency to the average.
func (e *Engine) recordSuccess(h *Host, latency time.Duration) {
	before, _ := e.mem.Record(h.Key())
	e.mem.Succeeded(h.Key(), latency)
	if !before.FailedAt.IsZero() || !before.SlowAt.IsZero() {
		e.logs.memory.Debug("success clears the memory of the host", "host", h.URL, "index", h.Index,
			"failed_at", before.FailedAt, "slow_at", before.SlowAt, "latency_ms", logging.MS(latency))
	}
}

// recordSlow remembers that h let its whole head start pass unanswered.
func (e *Engine) recordSlow(h *Host, at time.Time, took time.Duration) {
	e.mem.Slow(h.Key(), at)
	e.logs.memory.Debug("remembered as slow: no head start next time", "host", h.URL, "index", h.Index,
		"unanswered_ms", logging.MS(took), "race_delay", e.opts.RaceDelay)
}

// requestLine is an HTTP request as its first line reads: method, target,
// protocol ("HTTP/1.1" until a response says otherwise).
func requestLine(req *http.Request, proto string) string {
	if proto == "" {
		proto = "HTTP/1.1"
	}
	return req.Method + " " + req.URL.RequestURI() + " " + proto
}

// logExchange logs one request of an attempt and the status line that
// answered it (a redirect's, or the last).
func logExchange(l *slog.Logger, req *http.Request, resp *http.Response) {
	l.Debug("HTTP exchange", "url", req.URL.String(), "request", requestLine(req, resp.Proto),
		"status", resp.Proto+" "+resp.Status)
}
