package relay

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
	"sync"

	"clusterplay/events"
	"clusterplay/variants"
)

// --quality auto for HLS: the player is shown one virtual variant, whose
// media playlist the relay writes from the real variants' playlists (the
// same segments: sequence numbers and durations), and each segment it
// asks for is fetched from the variant the rule chooses (variants_rule.go)
// at that moment. An fMP4 segment is preceded by its own EXT-X-MAP, so
// that the player reads the init segment of the variant that serves it;
// a TS segment needs none (its parameter sets travel with it).

// ladderPrefix is the path of the virtual playlists and segments under
// the relay's token.
const ladderPrefix = "_quality/"

// ladders are the masters the player was shown a virtual variant of, by
// id.
type ladders struct {
	mu   sync.Mutex
	m    map[string]*ladder
	last *ladder
}

// ladder is one master's switchable variants, lowest bitrate first.
type ladder struct {
	id     string
	master string
	rungs  []variants.Variant
	paths  []string // each rung's media playlist, a clip path

	mu    sync.Mutex
	start int
	cur   int          // the rung that served last; -1 before the first segment
	lists []*mediaList // each rung's playlist as last read; nil when it does not align
	// fetches are the newest segments' fetches, by sequence, newest the
	// highest sequence begun (variants_flight.go).
	fetches map[int64]*segFetch
	newest  int64
	inits   map[string][]byte // init segments read, by clip and range
	// forced is the rung the user chose (SetQuality), -1 for auto.
	forced int
	// lastHost served the last segment; hostMoved says the one before it
	// came from another host (a failover: a switch down is said so).
	lastHost  string
	hostMoved bool
	// said is the rung the last quality event named (or the first segment
	// came from), once saidAny: each switch is said once (servedSegment).
	said    int
	saidAny bool
	// marker is a DASH ladder's virtual representation id, initName its
	// initialization's name with it, segmentSeconds its segments'
	// duration (variants_dash.go); "" and 0 for HLS.
	marker, initName string
	segmentSeconds   float64
	dash             dashState // a DASH ladder's (variants_dashlist.go)
	// filled: the player's buffer held a segment once since the start.
	filled bool
	rates  []float64 // the last segment fetches' rates, bits/s (recentRate)
	// track is "audio" for an audio track's ladder (an HLS rendition in
	// each audio group, variants_audio.go; a DASH audio set's
	// representations, variants_dashlist.go), "" for the video's. video is
	// then the video's ladder, nil when the video is not switched, and
	// videoBandwidth that video's fixed bitrate (linkLeft).
	track          string
	video          *ladder
	videoBandwidth int64
	ranked         bool // an HLS audio ladder's rungs were measured and ordered
}

func (ls *ladders) put(l *ladder) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.m == nil {
		ls.m = map[string]*ladder{}
	}
	ls.m[l.id] = l
	if l.track == "" {
		ls.last = l // the video's: the quality key and the TUI's bar follow it
	}
}

func (ls *ladders) get(id string) *ladder {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.m[id]
}

func ladderID(master string) string {
	h := fnv.New64a()
	h.Write([]byte(master))
	return fmt.Sprintf("%016x", h.Sum64())
}

// ladderMaster registers the switchable variants of the master at clip
// and returns the master the player sees: chosen's entry, pointing at the
// virtual playlist. ok is false when no variant can be reached through
// the relay.
func (r *Relay) ladderMaster(req *http.Request, clip string, body []byte, vs []variants.Variant, chosen variants.Variant) ([]byte, bool) {
	base := r.baseFor(req)
	l := &ladder{id: ladderID(clip), master: clip, cur: -1, forced: -1, inits: map[string][]byte{}}
	for _, v := range onePerPlaylist(variants.Switchable(vs, chosen), chosen) {
		p := clipOf(v.URI, clip, base, r.opts.Token)
		if p == "" {
			continue
		}
		if v.URI == chosen.URI {
			l.start = len(l.rungs)
		}
		l.rungs, l.paths = append(l.rungs, v), append(l.paths, p)
	}
	if len(l.rungs) == 0 || l.paths[l.start] == "" || l.rungs[l.start].URI != chosen.URI {
		return nil, false
	}
	r.ladders.put(l)
	out := keepHLSVariant(body, chosen)
	virtual := base + ladderPrefix + l.id + "/index.m3u8"
	lines := strings.Split(string(out), "\n")
	for i, line := range lines {
		if strings.TrimSpace(line) == chosen.URI {
			lines[i] = virtual
		}
	}
	return r.audioLadders(clip, body, []byte(strings.Join(lines, "\n")), chosen, l, base), true
}

// serveLadder answers a request under ladderPrefix: the virtual playlist,
// an init segment or a segment. false when clip is none of these.
func (r *Relay) serveLadder(w http.ResponseWriter, req *http.Request, clip string) bool {
	rest, ok := strings.CutPrefix(clip, ladderPrefix)
	if !ok {
		return r.serveDASHLadder(w, req, clip)
	}
	id, name, _ := strings.Cut(rest, "/")
	l := r.ladders.get(id)
	if l == nil {
		http.Error(w, "no such variant: the manifest was not read through this relay", http.StatusNotFound)
		return true
	}
	name, _, _ = strings.Cut(name, "?")
	if l.dash.list {
		r.serveDASHList(w, req, l, name) // variants_dashserve.go
		return true
	}
	var seq int64
	switch {
	case name == "index.m3u8":
		r.serveVirtualPlaylist(w, req, l)
	case scan(name, "init-%d", &seq):
		r.serveLadderInit(w, req, l, seq)
	case scan(name, "seg-%d", &seq):
		r.serveLadderSegment(w, req, l, seq)
	default:
		http.Error(w, "not found", http.StatusNotFound)
	}
	return true
}

// scan reads the sequence number of an init-N.mp4 or seg-N.ts name.
func scan(name, format string, seq *int64) bool {
	base, _, _ := strings.Cut(name, ".")
	n, err := fmt.Sscanf(base, format, seq)
	return err == nil && n == 1
}

// publishSwitch says a switch of l from rung from to rung to.
func (r *Relay) publishSwitch(l *ladder, from, to int, why events.Reason) {
	if from < 0 || from == to {
		return
	}
	r.publish(events.Event{Kind: events.Quality, Index: -1, Path: l.master,
		FromVariant: l.rungs[from].Name, ToVariant: l.rungs[to].Name, Bitrate: l.rungs[to].Bandwidth,
		FromBitrate: l.rungs[from].Bandwidth, Reason: why, Track: l.track})
}

// CycleQuality moves the quality the player is served to the next of
// auto and the switchable variants, lowest first (the TUI's key, through
// the app's controller): a fixed one serves every segment from then on
// (a quality event with reason user at the first), auto hands the choice
// back to the rule. It returns the quality now in force.
func (r *Relay) CycleQuality() (string, error) {
	l := r.ladders.latest()
	if l == nil {
		return "", errors.New("no variants to choose from: the quality key switches an HLS or DASH stream played with --quality auto")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lists == nil {
		return "", errors.New("the variants are not read yet")
	}
	usable := l.usable(len(l.rungs) - 1)
	next := -1 // auto after the last
	switch {
	case l.forced < 0 && len(usable) > 0:
		next = usable[0]
	case l.forced >= 0:
		for _, i := range usable {
			if i > l.forced {
				next = i
				break
			}
		}
	}
	l.forced = next
	if next < 0 {
		return variants.Auto, nil
	}
	return l.rungs[next].Name, nil
}

// latest is the ladder registered last: the master playing now.
func (ls *ladders) latest() *ladder {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.last
}
