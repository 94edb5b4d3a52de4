package relay

import (
	"bytes"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"clusterplay/events"
	"clusterplay/variants"
)

// The virtual variant's playlist and segments (variants_abr.go).

// serveVirtualPlaylist reads every rung's media playlist, keeps the rungs
// whose segments align with the starting one's, and answers with the
// virtual playlist: the starting rung's segments, each at a ladder path.
func (r *Relay) serveVirtualPlaylist(w http.ResponseWriter, req *http.Request, l *ladder) {
	base := r.baseFor(req)
	lists := make([]*mediaList, len(l.rungs))
	var startBody []byte
	for i, p := range l.paths {
		body, err := r.fetchWhole(req.Context(), req, p, byteRange{end: -1}, nil, false)
		if err != nil {
			if i == l.start {
				refuse(w, p, err)
				return
			}
			continue
		}
		body = newRewriter(r.opts.Engine.Hosts(), base).rewrite(body)
		if i == l.start {
			startBody = body
		}
		if m, err := parseMedia(body, p, base, r.opts.Token); err == nil {
			lists[i] = m
		}
	}
	start := lists[l.start]
	if start == nil || start.keyed {
		// Keys or segments outside the cluster: the starting variant as
		// its host wrote it, never switched.
		r.learnSegments(l.paths[l.start], startBody, base)
		serveBody(w, req, startBody)
		return
	}
	for i := range lists {
		if lists[i] != nil && !aligned(start, lists[i]) {
			lists[i] = nil
		}
	}
	l.mu.Lock()
	l.lists = lists
	l.mu.Unlock()
	serveBody(w, req, virtualPlaylist(start, base+ladderPrefix+l.id+"/"))
}

func serveBody(w http.ResponseWriter, req *http.Request, body []byte) {
	w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
	http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(body))
}

// virtualPlaylist is m's playlist with every segment at prefix/seg-N and,
// for fMP4, its own EXT-X-MAP at prefix/init-N.mp4 before it.
func virtualPlaylist(m *mediaList, prefix string) []byte {
	var b strings.Builder
	version := max(m.version, 3)
	if len(m.segs) > 0 && m.segs[0].init != "" {
		version = max(version, 6)
	}
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:%d\n#EXT-X-TARGETDURATION:%d\n#EXT-X-MEDIA-SEQUENCE:%d\n", version, m.target, m.sequence)
	if m.vod {
		b.WriteString("#EXT-X-PLAYLIST-TYPE:VOD\n")
	}
	for i, s := range m.segs {
		seq := m.sequence + int64(i)
		if s.discont {
			b.WriteString("#EXT-X-DISCONTINUITY\n")
		}
		if s.init != "" {
			fmt.Fprintf(&b, "#EXT-X-MAP:URI=\"%sinit-%d.mp4\"\n", prefix, seq)
		}
		ext := path.Ext(strings.SplitN(s.clip, "?", 2)[0])
		if ext == "" {
			ext = ".ts"
		}
		fmt.Fprintf(&b, "#EXTINF:%s,\n%sseg-%d%s\n", s.extinf, prefix, seq, ext)
	}
	if m.ended {
		b.WriteString("#EXT-X-ENDLIST\n")
	}
	return []byte(b.String())
}

// choice is the rung a segment comes from and why it differs from the
// last one's.
type choice struct {
	rung int
	why  events.Reason
}

// choose applies the rule to l for its next segment. l.mu is held.
func (r *Relay) choose(l *ladder) choice {
	var usable []int
	for i := range l.rungs {
		if l.lists[i] != nil {
			usable = append(usable, i)
		}
	}
	cur := l.cur
	if cur < 0 || l.lists[cur] == nil {
		cur = l.start
	}
	if l.forced >= 0 && l.lists[l.forced] != nil {
		return choice{l.forced, events.QualityUser}
	}
	at := 0
	rungs := make([]variants.Variant, len(usable))
	for k, i := range usable {
		rungs[k] = l.rungs[i]
		if i == cur {
			at = k
		}
	}
	buf, known := r.playerBuffer()
	left := buf.Cached - time.Since(buf.At)
	to, why := decide(rungs, at, r.ladders.est.estimate(), left, known && buf.Playing)
	if why == events.QualityEstimate && to < at && l.hostMoved {
		why = events.QualityFailover
	}
	return choice{usable[to], why}
}

// segmentAt is l's segment seq of rung, and whether there is one.
func (l *ladder) segmentAt(rung int, seq int64) (mediaSeg, bool) {
	m := l.lists[rung]
	if m == nil || seq < m.sequence || seq-m.sequence >= int64(len(m.segs)) {
		return mediaSeg{}, false
	}
	return m.segs[seq-m.sequence], true
}

// serveLadderInit serves the init segment of the rung the rule chooses
// for segment seq, and keeps that choice for the segment.
func (r *Relay) serveLadderInit(w http.ResponseWriter, req *http.Request, l *ladder, seq int64) {
	l.mu.Lock()
	if l.lists == nil {
		l.mu.Unlock()
		http.Error(w, "the playlist was not read", http.StatusNotFound)
		return
	}
	c := r.choose(l)
	l.pinned[seq] = c
	seg, ok := l.segmentAt(c.rung, seq)
	key := fmt.Sprintf("%s %d-%d", seg.init, seg.initRng.start, seg.initRng.end)
	body := l.inits[key]
	l.mu.Unlock()
	if !ok || seg.init == "" {
		http.Error(w, "no such segment", http.StatusNotFound)
		return
	}
	if body == nil {
		var err error
		if body, err = r.fetchWhole(req.Context(), req, seg.init, seg.initRng, nil, false); err != nil {
			refuse(w, seg.init, err)
			return
		}
		l.mu.Lock()
		l.inits[key] = body
		l.mu.Unlock()
	}
	w.Header().Set("Content-Type", "video/mp4")
	http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(body))
}
