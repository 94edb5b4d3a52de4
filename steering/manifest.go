// Package steering holds the pure parts of Content Steering (the Content
// Steering draft, draft-pantos-content-steering) that HLS and DASH share:
// the steering manifest and its clones, the schedule of reloads (TTL, 410,
// 429), the set of pathways with their penalties, and the client that
// asks a steering server. It knows no relay and no player: the relay
// routes requests by what a Set says, and the client is handed the HTTP
// client and the query names (_HLS_pathway or _DASH_pathway) it must use.
package steering

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"time"
)

// MaxManifest bounds a steering manifest: real ones are a few hundred
// bytes; a server sending more is not sending one.
const MaxManifest = 64 << 10

// DefaultTTL is the reload interval when a manifest gives no TTL.
const DefaultTTL = 300 * time.Second

// Manifest is a steering manifest as the server sent it.
type Manifest struct {
	Version   int
	TTL       time.Duration // DefaultTTL when absent
	ReloadURI string
	Priority  []string
	Clones    []Clone
}

// Clone is one PATHWAY-CLONES entry: a pathway made from BaseID's by
// replacing its URIs' host, adding query parameters, or naming a URI per
// variant (STABLE-VARIANT-ID) or rendition (STABLE-RENDITION-ID).
type Clone struct {
	BaseID, ID   string
	Host         string
	Params       map[string]string
	PerVariant   map[string]string
	PerRendition map[string]string
}

// pathwayID is what the draft allows in a PATHWAY-ID.
var pathwayID = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// ValidID reports whether id may name a pathway.
func ValidID(id string) bool { return len(id) <= 256 && pathwayID.MatchString(id) }

type wireClone struct {
	BaseID      string `json:"BASE-ID"`
	ID          string `json:"ID"`
	Replacement struct {
		Host         string            `json:"HOST"`
		Params       map[string]string `json:"PARAMS"`
		PerVariant   map[string]string `json:"PER-VARIANT-URIS"`
		PerRendition map[string]string `json:"PER-RENDITION-URIS"`
	} `json:"URI-REPLACEMENT"`
}

type wireManifest struct {
	Version   *int        `json:"VERSION"`
	TTL       *float64    `json:"TTL"`
	ReloadURI string      `json:"RELOAD-URI"`
	Priority  []string    `json:"PATHWAY-PRIORITY"`
	Clones    []wireClone `json:"PATHWAY-CLONES"`
}

// Parse reads a steering manifest; the error says why it is refused, in
// words an event can carry.
func Parse(b []byte) (Manifest, error) {
	if len(b) > MaxManifest {
		return Manifest{}, fmt.Errorf("steering manifest larger than %d KiB", MaxManifest>>10)
	}
	var w wireManifest
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&w); err != nil {
		return Manifest{}, fmt.Errorf("not a steering manifest: %v", err)
	}
	if dec.More() {
		return Manifest{}, errors.New("not a steering manifest: more than one JSON value")
	}
	m := Manifest{TTL: DefaultTTL, ReloadURI: w.ReloadURI}
	switch {
	case w.Version == nil:
		return Manifest{}, errors.New("steering manifest without VERSION")
	case *w.Version != 1:
		return Manifest{}, fmt.Errorf("steering manifest VERSION %d (want 1)", *w.Version)
	}
	m.Version = *w.Version
	if w.TTL != nil {
		if *w.TTL <= 0 || math.IsNaN(*w.TTL) || *w.TTL > 86400*365 {
			return Manifest{}, fmt.Errorf("steering manifest TTL %v is not a positive number of seconds", *w.TTL)
		}
		m.TTL = time.Duration(*w.TTL * float64(time.Second))
	}
	if len(w.Priority) == 0 {
		return Manifest{}, errors.New("steering manifest without PATHWAY-PRIORITY")
	}
	seen := map[string]bool{}
	for _, id := range w.Priority {
		if !ValidID(id) {
			return Manifest{}, fmt.Errorf("PATHWAY-PRIORITY names %q, not a pathway ID", id)
		}
		if !seen[id] {
			m.Priority = append(m.Priority, id)
		}
		seen[id] = true
	}
	for _, c := range w.Clones {
		if !ValidID(c.ID) || !ValidID(c.BaseID) {
			return Manifest{}, fmt.Errorf("PATHWAY-CLONES entry with ID %q and BASE-ID %q: not pathway IDs", c.ID, c.BaseID)
		}
		m.Clones = append(m.Clones, Clone{BaseID: c.BaseID, ID: c.ID, Host: c.Replacement.Host,
			Params: c.Replacement.Params, PerVariant: c.Replacement.PerVariant, PerRendition: c.Replacement.PerRendition})
	}
	return m, nil
}
