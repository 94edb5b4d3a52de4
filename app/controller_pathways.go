package app

import (
	"errors"
	"time"

	"clusterplay/relay"
)

// pathwayControls is what the keys and commands ask of the stream's own
// alternatives (*relay.Relay has it).
type pathwayControls interface {
	Pathways() ([]relay.PathwayRow, time.Time)
	SetPathway(id string) error
	PenalisePathway() string
	NextPathway() string
}

// pathwaysList is get_pathways' data.
type pathwaysList struct {
	Pathways   []relay.PathwayRow `json:"pathways"`
	InUse      string             `json:"in_use,omitempty"`
	NextReload *time.Time         `json:"next_reload,omitempty"`
}

// GetPathways is get_pathways: the stream's alternatives, the one in use
// and when steering is asked next.
func (c *controller) GetPathways() any {
	out := pathwaysList{Pathways: []relay.PathwayRow{}}
	if c.alts == nil {
		return out
	}
	rows, next := c.alts.Pathways()
	if rows != nil {
		out.Pathways = rows
	}
	for _, r := range rows {
		if r.InUse {
			out.InUse = r.Pathway
		}
	}
	if !next.IsZero() {
		out.NextReload = &next
	}
	return out
}

// SetPathway is set_pathway NAME.
func (c *controller) SetPathway(name string) error {
	if c.alts == nil {
		return c.did("set pathway", errors.New("the stream has no pathways"), "pathway", name)
	}
	return c.did("set pathway", c.alts.SetPathway(name), "pathway", name)
}

// pathwayKey is x (blame) and n on a stream of pathways: they act on the
// pathway in use, as they do on the serving host. False when the stream
// has none, and the keys act on the hosts.
func (c *controller) pathwayKey(blame bool) bool {
	if c.alts == nil {
		return false
	}
	if rows, _ := c.alts.Pathways(); len(rows) == 0 {
		return false
	}
	if blame {
		c.did("penalise the pathway in use", nil, "pathway", c.alts.PenalisePathway())
		return true
	}
	c.did("next pathway", nil, "pathway", c.alts.NextPathway())
	return true
}
