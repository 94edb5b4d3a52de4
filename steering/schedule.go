package steering

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Outcome is what one steering request came to.
type Outcome struct {
	Status     int           // the server's HTTP status; 0 when none came
	Manifest   *Manifest     // the manifest, when one was read and valid
	RetryAfter time.Duration // a 429's Retry-After; 0 when absent
}

// Next is the schedule's rule: how long to wait before the next steering
// request after o, given the TTL in force (last), and whether steering
// stops for the session. A valid manifest sets its TTL; 410 stops; 429
// waits Retry-After (the last TTL when it gives none); any other failure
// (an error, another status, a malformed manifest) keeps the last priority
// and waits the last TTL.
func Next(last time.Duration, o Outcome) (wait time.Duration, stop bool) {
	if last <= 0 {
		last = DefaultTTL
	}
	switch {
	case o.Status == http.StatusGone:
		return 0, true
	case o.Status == http.StatusTooManyRequests && o.RetryAfter > 0:
		return o.RetryAfter, false
	case o.Manifest != nil:
		return o.Manifest.TTL, false
	}
	return last, false
}

// RetryAfter reads a Retry-After header: seconds, or an HTTP date after
// now. 0 when absent or unreadable.
func RetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(h); err == nil && n >= 0 {
		return time.Duration(min(n, 86400)) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return min(t.Sub(now), 24*time.Hour)
	}
	return 0
}
