package watch

import (
	"slices"
	"strings"
	"time"

	"clusterplay/events"
)

// Pathway is one of the stream's own alternatives (an HLS pathway, a DASH
// BaseURL) as the events told it: the TUI's rows below the hosts.
type Pathway struct {
	ID       string
	Host     string // its URL, as the events name it
	Index    int    // counts on after the typed hosts; -1 until an event says it
	Priority int    // its place in steering's last order, from 1; 0 unranked
	InUse    bool
	// PenaltyUntil is when a penalised pathway is tried again; zero when
	// it was not penalised.
	PenaltyUntil time.Time
	Bytes        int64 // what it served
}

// Penalised reports whether p is passed over at now.
func (p Pathway) Penalised(now time.Time) bool { return p.PenaltyUntil.After(now) }

// pathwayFold is the part of the fold the stream's alternatives make.
type pathwayFold struct {
	rows       []Pathway
	nextReload time.Time // zero when steering is not asked again
}

// Pathways are the stream's alternatives, in steering's order, then the
// unranked ones as first heard of; none for a stream without.
func (f *Fold) Pathways() []Pathway {
	out := slices.Clone(f.alts.rows)
	slices.SortStableFunc(out, func(a, b Pathway) int {
		switch {
		case a.Priority == b.Priority:
			return 0
		case a.Priority == 0:
			return 1
		case b.Priority == 0:
			return -1
		}
		return a.Priority - b.Priority
	})
	return out
}

// NextSteering is when steering is asked next; zero when it is not.
func (f *Fold) NextSteering() time.Time { return f.alts.nextReload }

func (a *pathwayFold) row(id string) *Pathway {
	if id == "" {
		return nil
	}
	for i := range a.rows {
		if a.rows[i].ID == id {
			return &a.rows[i]
		}
	}
	a.rows = append(a.rows, Pathway{ID: id, Index: -1})
	return &a.rows[len(a.rows)-1]
}

func (a *pathwayFold) inUse(id string) {
	for i := range a.rows {
		a.rows[i].InUse = a.rows[i].ID == id
	}
	a.row(id).InUse = true
}

func (p *Pathway) name(host string, index int) {
	if host != "" {
		p.Host, p.Index = host, index
	}
}

// applyPathway folds the events that speak of the stream's alternatives.
func (f *Fold) applyPathway(ev events.Event) {
	a := &f.alts
	switch ev.Kind {
	case events.Steering:
		for i := range a.rows {
			a.rows[i].Priority = 0
		}
		for k, id := range ev.Priority {
			a.row(id).Priority = k + 1
		}
		if ev.Pathway != "" {
			a.inUse(ev.Pathway)
		}
		a.nextReload = time.Time{}
		if ev.TTL > 0 && ev.Status != 410 && strings.HasPrefix(ev.URL, "http") {
			a.nextReload = ev.Time.Add(ev.TTL)
		}
	case events.Pathway:
		if from := a.row(ev.PathwayFrom); from != nil {
			from.name(ev.Host, ev.Index)
			from.PenaltyUntil = ev.ExpiresAt
		}
		a.row(ev.Pathway).name(ev.ToHost, ev.ToIndex)
		a.inUse(ev.Pathway)
	case events.Fetch:
		if p := a.row(ev.Pathway); p != nil {
			p.name(ev.Host, ev.Index)
			p.Bytes += ev.Bytes
		}
	case events.ConnectFailed:
		if p := a.row(ev.Pathway); p != nil {
			p.name(ev.Host, ev.Index)
			p.PenaltyUntil = ev.ExpiresAt
		}
	}
}
