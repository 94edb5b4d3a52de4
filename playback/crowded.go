package playback

// crowdedRelay is a relay that can say it turned connections away lately
// (*relay.Relay can): another local client held it full, and the player's
// failure may be the relay's, not the host's.
type crowdedRelay interface{ Crowded() bool }

// relayCrowded reports whether the load that failed went through a relay
// that has been turning connections away: a local client refused by the
// relay never costs the host its good name, so the failover that follows
// does not blame it (it may even come back to it).
func (r *run) relayCrowded() bool {
	c, ok := r.opts.Relay.(crowdedRelay)
	return ok && r.relayed && c.Crowded()
}
