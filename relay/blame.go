package relay

import (
	"context"
	"errors"
	"fmt"

	"clusterplay/cluster"
	"clusterplay/events"
)

// What the relay holds against a host. A relay's client chooses its
// paths: a browser's blind GET /nothing, a player's guess at a segment.
// A host answering that it has no such path has done nothing wrong, and a
// connection the machine could not open (no descriptor left while another
// local user holds them) is the machine's fault: neither is remembered as
// the host's failure, in the relay's own requests or in the resolutions
// it asks of the engine.

// absentError is a host's 404 or 410 to a relayed request.
type absentError struct {
	status int
	path   string
}

func (e *absentError) Error() string { return fmt.Sprintf("HTTP %d for %s", e.status, e.path) }

// blames reports whether err of a relayed request is the host's failure,
// to remember.
func blames(err error) bool {
	var absent *absentError
	if errors.As(err, &absent) {
		return false
	}
	return cluster.Classify(err) != events.ClassLocal
}

// resolveExcept is the engine's resolution of clip among the hosts not in
// except, a 404 not remembered as a failure.
func (r *Relay) resolveExcept(ctx context.Context, clip string, except []*cluster.Host) (cluster.Result, error) {
	return r.opts.Engine.ResolveWith(ctx, clip, cluster.ResolveOptions{Except: except, KeepNotFound: true})
}
