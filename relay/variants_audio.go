package relay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"clusterplay/variants"
)

// --quality auto for an HLS master whose variants name audio groups
// (EXT-X-MEDIA TYPE=AUDIO): each audio track the starting variant's group
// has, and other groups have too (variants.AudioKinds), is shown the
// player as one rendition whose media playlist is the relay's, its own
// ladder (variants_abr.go) whose rungs are that track in each group,
// lowest bitrate first. The rule chooses its rung at each segment with
// the link the video leaves (linkLeft); its switches are quality events
// with track "audio".

// audioTrack is an audio ladder's track, in its quality events.
const audioTrack = "audio"

// audioLadders registers a ladder for each audio kind of chosen's group
// in body (the master as the host wrote it) and returns shown (the master
// the player gets) with those renditions' URIs at their virtual
// playlists. A master with nothing to switch is shown as it was.
func (r *Relay) audioLadders(clip string, body, shown []byte, chosen variants.Variant, video *ladder, base string) []byte {
	if chosen.Audio == "" {
		return shown
	}
	virtual := map[string]string{}
	for _, k := range variants.AudioKinds(body, chosen.Audio) {
		l := &ladder{id: ladderID(clip + "\x00audio\x00" + k.Key), master: clip, cur: -1, forced: -1,
			inits: map[string][]byte{}, track: audioTrack, video: video}
		for _, rd := range k.Renditions {
			p := clipOf(rd.URI, clip, base, r.opts.Token)
			if p == "" {
				continue // outside the cluster
			}
			if rd.Group == chosen.Audio {
				l.start = len(l.rungs)
			}
			l.rungs = append(l.rungs, variants.Variant{Name: rd.Group, URI: rd.URI, Audio: rd.Group, Codecs: rd.Codecs})
			l.paths = append(l.paths, p)
		}
		if len(l.rungs) < 2 || l.rungs[l.start].Audio != chosen.Audio {
			continue
		}
		r.ladders.put(l)
		virtual[renditionKey(k.Start.Name, k.Start.Language)] = base + ladderPrefix + l.id + "/index.m3u8"
	}
	return rewriteAudioMaster(shown, chosen.Audio, virtual)
}

func renditionKey(name, language string) string { return name + "\x00" + language }

// rewriteAudioMaster points the URI of each audio rendition of group that
// virtual names (by renditionKey) at its virtual playlist.
func rewriteAudioMaster(master []byte, group string, virtual map[string]string) []byte {
	if len(virtual) == 0 {
		return master
	}
	lines := strings.Split(string(master), "\n")
	for i, line := range lines {
		attrs, ok := strings.CutPrefix(strings.TrimSpace(line), "#EXT-X-MEDIA:")
		if !ok {
			continue
		}
		a := variants.Attributes(attrs)
		to, ok := virtual[renditionKey(a["NAME"], a["LANGUAGE"])]
		if a["TYPE"] != "AUDIO" || a["GROUP-ID"] != group || !ok {
			continue
		}
		lines[i] = uriAttr.ReplaceAllLiteralString(line, `URI="`+to+`"`)
	}
	return []byte(strings.Join(lines, "\n"))
}

// onePerPlaylist keeps one variant per media playlist: a master that
// lists each video playlist once per audio group (each BANDWIDTH counting
// its group's audio) has one video rung per playlist, the entry naming
// chosen's group where there is one (the group the player is shown),
// else the first; lowest BANDWIDTH first.
func onePerPlaylist(vs []variants.Variant, chosen variants.Variant) []variants.Variant {
	at := map[string]int{}
	var out []variants.Variant
	for _, v := range vs {
		i, seen := at[v.URI]
		switch {
		case !seen:
			at[v.URI] = len(out)
			out = append(out, v)
		case v.Audio == chosen.Audio && out[i].Audio != chosen.Audio:
			out[i] = v
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Bandwidth < out[b].Bandwidth })
	return out
}

// rankRenditions measures, at the first reading, the bitrate of each
// rung of an audio ladder whose playlist aligns (lists, in l's order),
// and orders the rungs, their paths and lists lowest first. A rung that
// could not be measured is left out (its list set to nil) at every
// reading. A video ladder is left as it is.
func (r *Relay) rankRenditions(req *http.Request, l *ladder, lists []*mediaList) {
	if l.track != audioTrack {
		return
	}
	if !l.ranked {
		r.measureRenditions(req, l, lists)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range lists {
		if l.rungs[i].Bandwidth <= 0 && i != l.start {
			lists[i] = nil // not measured: its place in the order is not known
		}
	}
}

// measureRenditions sets each rung's bitrate and orders l's rungs, paths
// and lists lowest first; when the starting rung cannot be measured,
// none is (it serves alone).
func (r *Relay) measureRenditions(req *http.Request, l *ladder, lists []*mediaList) {
	rates := make([]int64, len(lists))
	for i, m := range lists {
		if m == nil {
			continue
		}
		bps, err := r.renditionBitrate(req.Context(), req, m)
		if err != nil {
			r.log.Debug("quality: an audio rendition not measured", "path", l.paths[i], "err", err)
			continue
		}
		rates[i] = bps
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if rates[l.start] <= 0 {
		clear(rates)
	}
	order := make([]int, len(lists))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rates[order[a]] < rates[order[b]] })
	rungs, paths, sorted := make([]variants.Variant, len(order)), make([]string, len(order)), make([]*mediaList, len(order))
	start := l.start
	for k, i := range order {
		rungs[k], paths[k], sorted[k] = l.rungs[i], l.paths[i], lists[i]
		rungs[k].Bandwidth = rates[i]
		if i == start {
			l.start = k
		}
	}
	l.rungs, l.paths, l.ranked = rungs, paths, true
	copy(lists, sorted)
}

// renditionBitrate is a media playlist's bitrate, bits/s: its
// EXT-X-BYTERANGE sizes over its duration where every segment has one,
// else the Content-Length of a HEAD of its first segment, through the
// cluster (failover and the request headers apply), over that segment's
// duration. No segment is fetched to measure it.
func (r *Relay) renditionBitrate(ctx context.Context, req *http.Request, m *mediaList) (int64, error) {
	if len(m.segs) == 0 {
		return 0, errors.New("no segment")
	}
	var bytes int64
	var seconds float64
	for _, s := range m.segs {
		if !s.hasRange {
			bytes, seconds = 0, 0
			break
		}
		bytes += s.rng.end - s.rng.start + 1
		seconds += s.dur
	}
	if seconds <= 0 {
		first := m.segs[0]
		up, err := r.openAvoiding(context.WithValue(ctx, headOnly{}, true), req, first.clip, byteRange{end: -1}, nil)
		if err != nil {
			return 0, err
		}
		bytes = up.resp.ContentLength
		up.close()
		if bytes <= 0 || first.dur <= 0 {
			return 0, fmt.Errorf("a HEAD of %s gave no length (%d) or its segment no duration", first.clip, bytes)
		}
		seconds = first.dur
	}
	return int64(float64(bytes) * 8 / seconds), nil
}

// headOnly marks a context whose upstream requests are HEADs.
type headOnly struct{}

// upstreamMethod is the method of a request to a host: GET, or HEAD for
// a measurement (renditionBitrate).
func upstreamMethod(ctx context.Context) string {
	if head, _ := ctx.Value(headOnly{}).(bool); head {
		return http.MethodHead
	}
	return http.MethodGet
}

// linkLeft is the estimate an audio ladder's rule reads: the host's
// estimate less the video's share of the link, floored at 1 bit/s (the
// rule reads 0 as no estimate yet). The video's share is the current
// video rung's bandwidth (the starting one's before any served), less,
// for HLS, whose variant BANDWIDTH counts its own group's audio, the
// bitrate of that group's rung here; a video not switched takes its
// fixed bitrate. A video ladder's estimate is the host's. l.mu is held.
func (r *Relay) linkLeft(l *ladder, estimate float64) float64 {
	if l.track != audioTrack || estimate <= 0 {
		return estimate
	}
	video := float64(l.videoBandwidth)
	if v := l.video; v != nil {
		v.mu.Lock()
		cur := v.cur
		if cur < 0 {
			cur = v.start
		}
		playing := v.rungs[cur]
		v.mu.Unlock()
		own := 0.0
		for _, a := range l.rungs {
			if playing.Audio != "" && a.Audio == playing.Audio {
				own = float64(a.Bandwidth)
			}
		}
		video = float64(playing.Bandwidth) - own
	}
	return max(estimate-video, 1)
}
