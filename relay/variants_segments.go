package relay

import (
	"bytes"
	"fmt"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"

	"clusterplay/abr"
	"clusterplay/events"
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
		body, err := r.fetchWhole(req.Context(), req, p, byteRange{end: -1}, nil)
		if err != nil {
			if i == l.start {
				refuse(w, p, err)
				return
			}
			continue
		}
		body = newRewriter(r.opts.Engine.Hosts(), base).rewrite(body)
		r.learnSegments(p, body, base) // a fault plan's segments are the real ones
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
		// its host wrote it, never switched, its relative URIs made
		// absolute (the player reads it at the virtual path).
		serveBody(w, req, absolutize(startBody, l.paths[l.start], base, r.opts.Token))
		return
	}
	for i := range lists {
		if lists[i] != nil && !aligned(start, lists[i]) {
			lists[i] = nil
		}
	}
	r.rankRenditions(req, l, lists) // an audio ladder's bitrates (variants_audio.go)
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

// choose applies the rule (package abr, docs/abr.md) to l for its next
// segment, with the serving host's measured throughput and the player's
// buffer. l.mu is held.
func (r *Relay) choose(l *ladder, seq int64) choice {
	usable := l.usable(len(l.rungs) - 1)
	if l.forced >= 0 && l.lists[l.forced] != nil {
		return choice{l.forced, events.QualityUser}
	}
	cur := l.cur
	if cur < 0 || l.lists[cur] == nil {
		// The first segment is the starting variant's: what was measured
		// so far is a few playlists' round trips, not the link.
		return choice{l.start, ""}
	}
	in := r.ruleInput(l, usable, cur)
	if seg, ok := l.segmentAt(cur, seq); ok {
		in.SegmentDuration = time.Duration(seg.dur * float64(time.Second))
	} else if l.segmentSeconds > 0 {
		in.SegmentDuration = time.Duration(l.segmentSeconds * float64(time.Second))
	}
	if in.Playing && in.SegmentDuration > 0 && in.Buffer >= in.SegmentDuration {
		l.filled = true
	}
	if !l.filled {
		// The buffer's step down is for a buffer that ran low, not for
		// one still filling after the start.
		in.Playing = false
	}
	c := r.abrRule.Choose(in)
	if recent := l.recentRate(); c.Reason == abr.ReasonNone && recent > in.Estimate {
		// A faster link shows in fetches too short for the meter to sample
		// yet (docs/quality.md): the last segments' own rates may lift a
		// step up, never hold back a step down.
		up := in
		up.Estimate = recent
		if uc := r.abrRule.Choose(up); uc.Index > c.Index {
			c = uc
		}
	}
	why := events.Reason(c.Reason)
	if why == events.QualityEstimate && c.Index < in.Current && l.hostMoved {
		why = events.QualityFailover
	}
	r.log.Debug("quality rule", "from", l.rungs[cur].Name, "to", l.rungs[usable[c.Index]].Name,
		"estimate_bps", int64(in.Estimate), "buffer", in.Buffer, "playing", in.Playing, "reason", string(why))
	return choice{usable[c.Index], why}
}

// recentSegments is how many of the last segment fetches recentRate
// reads, and minSegmentTime the least time one counts for, as hls.js
// floors a fetch's time (a segment in 1 ms says the link is fast, not
// that it carries a thousand segments a second).
const (
	recentSegments = 2
	minSegmentTime = 50 * time.Millisecond
)

// noteSegment keeps the rate of a segment fetch. l.mu is held.
func (l *ladder) noteSegment(bytes int, took time.Duration) {
	rate := float64(bytes) * 8 / max(took, minSegmentTime).Seconds()
	l.rates = append(l.rates, rate)
	if len(l.rates) > recentSegments {
		l.rates = l.rates[len(l.rates)-recentSegments:]
	}
}

// recentRate is the lowest of the last segment fetches' rates (bits/s),
// 0 before there are enough. l.mu is held.
func (l *ladder) recentRate() float64 {
	if len(l.rates) < recentSegments {
		return 0
	}
	low := l.rates[0]
	for _, r := range l.rates[1:] {
		low = min(low, r)
	}
	return low
}

// usable are the rungs up to top whose playlists align. l.mu is held.
func (l *ladder) usable(top int) []int {
	var out []int
	for i := 0; i <= top; i++ {
		if l.lists[i] != nil {
			out = append(out, i)
		}
	}
	return out
}

// ruleInput is what the rule judges by: the usable rungs' bitrates, the
// current one among them, the serving host's estimate and the buffer.
func (r *Relay) ruleInput(l *ladder, usable []int, cur int) abr.Input {
	in := abr.Input{Bitrates: make([]float64, len(usable))}
	for k, i := range usable {
		in.Bitrates[k] = float64(l.rungs[i].Bandwidth)
		if i <= cur {
			in.Current = k
		}
	}
	r.mu.Lock()
	h := r.current
	r.mu.Unlock()
	if h != nil {
		in.Estimate, _ = r.Throughput(h)
	}
	in.Estimate = r.linkLeft(l, in.Estimate) // audio: what the video leaves (variants_audio.go)
	if buf, known := r.playerBuffer(); known && buf.Playing {
		in.Playing, in.Buffer = true, max(buf.Cached-time.Since(buf.At), 0)
	}
	return in
}

// segmentAt is l's segment seq of rung, and whether there is one.
func (l *ladder) segmentAt(rung int, seq int64) (mediaSeg, bool) {
	m := l.lists[rung]
	if m == nil || seq < m.sequence || seq-m.sequence >= int64(len(m.segs)) {
		return mediaSeg{}, false
	}
	return m.segs[seq-m.sequence], true
}

// serveLadderInit serves the init segment of the rung that serves
// segment seq: it joins that segment's fetch, or starts it (a start, a
// seek), and answers once the segment is there and its rung final
// (variants_flight.go). The headers go at once, as a segment's do.
func (r *Relay) serveLadderInit(w http.ResponseWriter, req *http.Request, l *ladder, seq int64) {
	l.mu.Lock()
	if l.lists == nil {
		l.mu.Unlock()
		http.Error(w, "the playlist was not read", http.StatusNotFound)
		return
	}
	f, start := r.fetchFor(l, seq, true)
	l.mu.Unlock()
	if f == nil {
		http.Error(w, "no such segment", http.StatusNotFound)
		return
	}
	early := answerEarly(w, req, "video/mp4")
	if err := r.await(req, l, f, start); err != nil {
		failSegment(w, early, l.master, err)
		return
	}
	l.mu.Lock()
	seg, ok := l.segmentAt(f.c.rung, seq)
	l.mu.Unlock()
	if !ok || seg.init == "" {
		failSegment(w, early, l.master, errNoSegment)
		return
	}
	body, err := r.ladderInit(req, l, seg)
	if err != nil {
		failSegment(w, early, seg.init, err)
		return
	}
	if !early {
		w.Header().Set("Content-Type", "video/mp4")
	}
	sendSegment(w, req, early, body)
}

// ladderInit is seg's init segment: read from its host once, then held.
// runFetch reads it before the segment it belongs to, so that a host sees
// a switch as the player does, the init segment first.
func (r *Relay) ladderInit(req *http.Request, l *ladder, seg mediaSeg) ([]byte, error) {
	key := fmt.Sprintf("%s %d-%d", seg.init, seg.initRng.start, seg.initRng.end)
	l.mu.Lock()
	body := l.inits[key]
	l.mu.Unlock()
	if body != nil {
		return body, nil
	}
	body, err := r.fetchWhole(req.Context(), req, seg.init, seg.initRng, nil)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.inits[key] = body
	l.mu.Unlock()
	return body, nil
}

var uriAttr = regexp.MustCompile(`URI="([^"]*)"`)

// absolutize points a playlist's relative URIs (lines and URI=
// attributes) at the relay by absolute URLs, as they resolve against
// self, the playlist's own clip path.
func absolutize(body []byte, self, base, token string) []byte {
	abs := func(uri string) string {
		if uri == "" || strings.Contains(uri, "://") {
			return uri
		}
		if p := clipOf(uri, self, base, token); p != "" {
			return base + p
		}
		return uri
	}
	lines := strings.Split(string(body), "\n")
	for i, line := range lines {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
		case strings.HasPrefix(t, "#"):
			lines[i] = uriAttr.ReplaceAllStringFunc(line, func(m string) string {
				return `URI="` + abs(uriAttr.FindStringSubmatch(m)[1]) + `"`
			})
		default:
			lines[i] = abs(t)
		}
	}
	return []byte(strings.Join(lines, "\n"))
}
