package cluster

import (
	"context"
	"crypto/tls"
	"net/http/httptrace"
	"sync"
	"time"

	"clusterplay/events"
)

// step is one phase of an attempt that events.Phases reports.
type step int

const (
	stepDNS step = iota
	stepConnect
	stepTLS
	stepTTFB
	stepHandshake
	stepPlay
	numSteps
)

// stopwatch times the steps of one attempt. Steps begin and end on
// goroutines other than the prober's (net/http dials on its own), and a
// dial that lost may report after the attempt is over: once the phases
// are read, the stopwatch ignores what comes later.
type stopwatch struct {
	mu     sync.Mutex
	now    func() time.Time
	open   [numSteps]int       // spans of the step under way: dials to several addresses overlap
	since  [numSteps]time.Time // when the step's current span began
	total  [numSteps]time.Duration
	begun  [numSteps]bool
	frozen bool
}

func newStopwatch() *stopwatch { return &stopwatch{now: time.Now} }

func (w *stopwatch) begin(s step) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.frozen {
		return
	}
	if w.open[s] == 0 {
		w.since[s] = w.now()
	}
	w.open[s]++
	w.begun[s] = true
}

// end closes a span of s. done says the step succeeded: the step is over
// then, whatever else was racing it (the dial to another address of the
// same name), so a loser that reports late adds nothing.
func (w *stopwatch) end(s step, done bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.frozen || w.open[s] == 0 {
		return
	}
	w.open[s]--
	if done {
		w.open[s] = 0
	}
	if w.open[s] == 0 {
		w.total[s] += w.now().Sub(w.since[s])
	}
}

// phases stops the watch and returns what it measured. A step still under
// way ran until now: the attempt was stuck in it when the timeout struck
// or another host won.
func (w *stopwatch) phases() events.Phases {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.frozen {
		w.frozen = true
		now := w.now()
		for s := range numSteps {
			if w.open[s] > 0 {
				w.total[s] += now.Sub(w.since[s])
				w.open[s] = 0
			}
		}
	}
	v := func(s step) time.Duration {
		if !w.begun[s] {
			return 0
		}
		return max(w.total[s], time.Nanosecond) // begun, however short: not absent
	}
	return events.Phases{DNS: v(stepDNS), Connect: v(stepConnect), TLS: v(stepTLS), TTFB: v(stepTTFB),
		Handshake: v(stepHandshake), Play: v(stepPlay)}
}

// traced returns ctx with hooks that time the steps net and net/http take
// under it: name lookups and connects (net.Dialer reports those to any
// dial, RTMP's too), and for HTTP the TLS handshake and the wait for the
// first response byte.
func (w *stopwatch) traced(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		DNSStart:          func(httptrace.DNSStartInfo) { w.begin(stepDNS) },
		DNSDone:           func(httptrace.DNSDoneInfo) { w.end(stepDNS, true) },
		ConnectStart:      func(_, _ string) { w.begin(stepConnect) },
		ConnectDone:       func(_, _ string, err error) { w.end(stepConnect, err == nil) },
		TLSHandshakeStart: func() { w.begin(stepTLS) },
		TLSHandshakeDone:  func(tls.ConnectionState, error) { w.end(stepTLS, true) },
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				w.begin(stepTTFB)
			}
		},
		GotFirstResponseByte: func() { w.end(stepTTFB, true) },
	})
}
