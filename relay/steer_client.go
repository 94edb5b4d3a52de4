package relay

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/steering"
)

// startSteering asks the stream's steering (the override file when one is
// given, else the server the manifest names) once, before the manifest is
// answered, and keeps asking as the answers say until ctx ends.
func (r *Relay) startSteering(ctx context.Context, st *altStream, serverURI string, manifestURL *url.URL) {
	if path := r.opts.SteeringOverride; path != "" {
		first := make(chan struct{})
		go steering.WatchOverride(ctx, r.opts.Clock, path, func(b []byte, err error) {
			r.applyOverride(st, path, b, err)
			select {
			case <-first:
			default:
				close(first)
			}
		})
		select {
		case <-first:
		case <-time.After(2 * time.Second):
		}
		return
	}
	if serverURI == "" {
		return
	}
	ref, err := url.Parse(serverURI)
	if err != nil {
		r.publish(events.Event{Kind: events.Steering, Index: -1, URL: events.RedactURL(serverURI), Class: events.ClassProtocol,
			Err: "unusable SERVER-URI: " + err.Error()})
		return
	}
	c := steering.NewClient(r.steeringOptions(st, manifestURL.ResolveReference(ref).String(), "_HLS_pathway", "_HLS_throughput",
		st.set.Current))
	a := c.Fetch(ctx)
	r.applyAnswer(st, a)
	if !a.Stopped {
		go func() { _ = c.Run(ctx, a.Wait, func(a steering.Answer) { r.applyAnswer(st, a) }) }()
	}
}

// steeringOptions are the cluster's settings for a steering client: the
// relay's HTTP client (TLS, timeouts, redirects), the user's headers, and
// the query names of HLS or DASH.
func (r *Relay) steeringOptions(st *altStream, server, pathwayParam, throughputParam string, pathway func() string) steering.Options {
	return steering.Options{
		HTTP: r.client,
		Prepare: func(req *http.Request) {
			cluster.SetRequestHeader(req, r.opts.Header)
			req.Header.Set("Via", cluster.Via)
		},
		URL: server, PathwayParam: pathwayParam, ThroughputParam: throughputParam,
		Pathway: pathway,
		Throughput: func() float64 {
			st.mu.Lock()
			defer st.mu.Unlock()
			return st.throughput
		},
		Allowed: r.allowedParsed,
		Timeout: 2*r.opts.ConnectTimeout + r.opts.ReadTimeout,
		Clock:   r.opts.Clock,
	}
}

// applyAnswer applies a steering answer and says it: a valid manifest
// sets the order (and makes its clones); anything else changes nothing.
func (r *Relay) applyAnswer(st *altStream, a steering.Answer) {
	ev := events.Event{Kind: events.Steering, Index: -1, URL: events.RedactURL(a.URL), Status: a.Status, TTL: a.Wait}
	switch {
	case a.Stopped:
		ev.Class, ev.Err = events.ClassStatus, "HTTP 410: steering stopped for the session"
	case a.Manifest != nil:
		ev.Priority = a.Manifest.Priority
		if refused := r.applyClones(st, a.Manifest.Clones); len(refused) > 0 {
			ev.Class, ev.Err = events.ClassProtocol, strings.Join(refused, "; ")
		}
		st.set.SetPriority(a.Manifest.Priority)
	case a.Status == http.StatusOK:
		ev.Class, ev.Err = events.ClassProtocol, a.Err.Error()
	case a.Status != 0:
		ev.Class, ev.Err = events.ClassStatus, a.Err.Error()
	case a.Err != nil:
		ev.Class, ev.Err = cluster.Classify(a.Err), a.Err.Error()
	}
	r.steered(st, ev, a.Wait, a.Stopped)
}

// applyOverride applies the override file's manifest; one that cannot be
// read or is malformed is said and changes nothing.
func (r *Relay) applyOverride(st *altStream, path string, b []byte, err error) {
	ev := events.Event{Kind: events.Steering, Index: -1, URL: path}
	var m steering.Manifest
	if err == nil {
		m, err = steering.Parse(b)
	}
	if err != nil {
		ev.Class, ev.Err = events.ClassProtocol, "steering override: "+err.Error()
		r.steered(st, ev, 0, true)
		return
	}
	ev.Priority, ev.TTL = m.Priority, m.TTL
	if refused := r.applyClones(st, m.Clones); len(refused) > 0 {
		ev.Class, ev.Err = events.ClassProtocol, strings.Join(refused, "; ")
	}
	st.set.SetPriority(m.Priority)
	r.steered(st, ev, 0, true)
}

// steered says a steering answer with the pathway it chose, then the move
// it made, and plans the next reload.
func (r *Relay) steered(st *altStream, ev events.Event, wait time.Duration, noReload bool) {
	p, mv := st.set.Pick()
	ev.Pathway = p
	st.mu.Lock()
	st.nextReload = time.Time{}
	if !noReload && wait > 0 {
		st.nextReload = r.opts.Clock.Now().Add(wait)
	}
	st.mu.Unlock()
	r.log.Info("steering", "url", ev.URL, "status", ev.Status, "priority", ev.Priority, "pathway", p, "err", ev.Err)
	r.publish(ev)
	r.sayMove(st, mv)
}
