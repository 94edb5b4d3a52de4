package relay

import (
	"fmt"
	"slices"
	"time"

	"clusterplay/steering"
)

// PathwayRow is one of the stream's alternatives as the control socket
// and the TUI show it.
type PathwayRow struct {
	Pathway      string    `json:"pathway"`
	Host         string    `json:"host"`
	Index        int       `json:"index"`
	Priority     int       `json:"priority"` // its place in steering's order, from 1; 0 when unranked
	InUse        bool      `json:"in_use"`
	PenaltyUntil time.Time `json:"penalty_until,omitzero"`
	Bytes        int64     `json:"bytes"`
}

// Pathways are the stream's alternatives, in the order in force, and
// when steering is asked next (zero when it is not).
func (r *Relay) Pathways() ([]PathwayRow, time.Time) {
	st := r.altStreamNow()
	if st == nil {
		return nil, time.Time{}
	}
	order := st.set.Priority()
	cur := st.set.Current()
	var rows []PathwayRow
	for _, id := range append(order, st.set.Ahead(order...)...) {
		h := st.host(id)
		if h == nil {
			continue
		}
		st.mu.Lock()
		n := st.bytes[id]
		st.mu.Unlock()
		rows = append(rows, PathwayRow{Pathway: id, Host: h.URL, Index: h.Index, Priority: slices.Index(order, id) + 1,
			InUse: id == cur, PenaltyUntil: st.set.PenaltyUntil(id), Bytes: n})
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return rows, st.nextReload
}

// SetPathway moves the stream's requests to pathway id by the user's
// choice (set_pathway): it stays in use until it fails or steering
// changes its order.
func (r *Relay) SetPathway(id string) error {
	st := r.altStreamNow()
	if st == nil {
		return fmt.Errorf("the stream has no pathways")
	}
	if st.host(id) == nil || !st.set.Pin(id) {
		return fmt.Errorf("no pathway %q (the stream has %v)", id, st.set.IDs())
	}
	r.pickAlt(st)
	return nil
}

// PenalisePathway penalises the pathway in use by hand (x), and returns
// it; "" when the stream has no pathways.
func (r *Relay) PenalisePathway() string {
	st := r.altStreamNow()
	if st == nil {
		return ""
	}
	cur := st.set.Current()
	st.set.Penalise(cur, steering.ReasonUser)
	r.pickAlt(st)
	return cur
}

// NextPathway moves to the next pathway without blaming the one in use
// (n), and returns it; "" when there is none.
func (r *Relay) NextPathway() string {
	st := r.altStreamNow()
	if st == nil {
		return ""
	}
	next := st.set.Next()
	if next == "" || !st.set.Pin(next) {
		return ""
	}
	r.pickAlt(st)
	return next
}
