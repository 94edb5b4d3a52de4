package loopback

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// The ladder as DASH in the other segment addressings, each with two
// audio representations (64k and 128k) beside the three video ones.
const (
	// LadderDASHList names segments in a SegmentList per representation.
	LadderDASHList = "ladder/dashlist/ladder.mpd"
	// LadderDASHReps gives each representation its own SegmentTemplate,
	// its media names written out (no $RepresentationID$).
	LadderDASHReps = "ladder/dashreps/ladder.mpd"
	// LadderDASHBase is one fragmented MP4 per representation (v0.mp4,
	// v1.mp4, v2.mp4, a0.mp4, a1.mp4) addressed by SegmentBase: its
	// initialization's range and its sidx's indexRange.
	LadderDASHBase = "ladder/dashbase/ladder.mpd"
)

// LadderDASHAudio are the DASH ladders' audio representations' bitrates,
// bits/s.
var LadderDASHAudio = []int64{64_000, 128_000}

// writeOtherDASHLadders writes LadderDASHList, LadderDASHReps and
// LadderDASHBase from the rungs' sources, with a 128k audio encoded into
// work.
func writeOtherDASHLadders(bin, dir, work string, sources []string, seconds int) error {
	audio := filepath.Join(work, "a1.mp4")
	if err := ffmpeg(bin, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", strconv.Itoa(seconds),
		"-c:a", "aac", "-b:a", "128k", "-ac", "2", audio); err != nil {
		return err
	}
	for kind, template := range map[string]string{LadderDASHList: "0", LadderDASHReps: "1"} {
		mpd := filepath.Join(dir, filepath.FromSlash(kind))
		if err := os.MkdirAll(filepath.Dir(mpd), 0o755); err != nil {
			return err
		}
		args := []string{"-i", sources[0], "-i", sources[1], "-i", sources[2], "-i", audio,
			"-map", "0:v", "-map", "1:v", "-map", "2:v", "-map", "0:a", "-map", "3:a", "-c", "copy",
			"-f", "dash", "-seg_duration", strconv.Itoa(LadderSegment), "-use_template", template, "-use_timeline", "0",
			"-adaptation_sets", "id=0,streams=v id=1,streams=a", mpd}
		if err := ffmpeg(bin, args...); err != nil {
			return err
		}
	}
	if err := ownTemplates(filepath.Join(dir, filepath.FromSlash(LadderDASHReps))); err != nil {
		return err
	}
	return writeSegmentBaseLadder(bin, dir, append(sources[:3:3], audio), seconds)
}

var representation = regexp.MustCompile(`(?s)<Representation id="([^"]*)".*?</Representation>`)

// ownTemplates writes each representation's id into its template, so
// that every representation names its media its own way.
func ownTemplates(mpd string) error {
	b, err := os.ReadFile(mpd)
	if err != nil {
		return err
	}
	out := representation.ReplaceAllStringFunc(string(b), func(rep string) string {
		id := representation.FindStringSubmatch(rep)[1]
		return strings.ReplaceAll(rep, "$RepresentationID$", id)
	})
	return os.WriteFile(mpd, []byte(out), 0o644)
}

// writeSegmentBaseLadder muxes each video rung and each audio into a
// fragmented MP4 with one sidx (fragments of 2 s), and writes the MPD
// with each file's initialization range and indexRange read from its
// boxes.
func writeSegmentBaseLadder(bin, dir string, sources []string, seconds int) error {
	sub := filepath.Join(dir, filepath.FromSlash(filepath.Dir(LadderDASHBase)))
	if err := os.MkdirAll(sub, 0o755); err != nil {
		return err
	}
	reps := map[string]string{}
	for i, name := range []string{"v0", "v1", "v2", "a0", "a1"} {
		src, stream := sources[min(i, 3)], "0:v"
		switch name {
		case "a0":
			src, stream = sources[0], "0:a"
		case "a1":
			stream = "0:a"
		}
		out := filepath.Join(sub, name+".mp4")
		if err := ffmpeg(bin, "-i", src, "-map", stream, "-c", "copy", "-f", "mp4",
			"-movflags", "+dash+global_sidx", "-frag_duration", strconv.Itoa(LadderSegment*1_000_000), out); err != nil {
			return err
		}
		initEnd, sidxEnd, err := sidxRange(out)
		if err != nil {
			return err
		}
		reps[name] = fmt.Sprintf("<BaseURL>%s.mp4</BaseURL>\n<SegmentBase indexRange=\"%d-%d\"><Initialization range=\"0-%d\"/></SegmentBase>\n",
			name, initEnd+1, sidxEnd, initEnd)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011" type="static" mediaPresentationDuration="PT%dS" minBufferTime="PT4S">
<Period id="0" start="PT0S">
<AdaptationSet id="0" contentType="video" segmentAlignment="true">
`, seconds)
	for i, r := range Ladder {
		fmt.Fprintf(&b, "<Representation id=\"%d\" mimeType=\"video/mp4\" codecs=\"avc1.42c01f\" bandwidth=\"%d\" width=\"%d\" height=\"%d\">\n%s</Representation>\n",
			i, r.Bandwidth-64_000, r.Width, r.Height, reps[fmt.Sprintf("v%d", i)])
	}
	b.WriteString("</AdaptationSet>\n<AdaptationSet id=\"1\" contentType=\"audio\" segmentAlignment=\"true\">\n")
	for i, bw := range LadderDASHAudio {
		fmt.Fprintf(&b, "<Representation id=\"%d\" mimeType=\"audio/mp4\" codecs=\"mp4a.40.2\" bandwidth=\"%d\" audioSamplingRate=\"48000\">\n%s</Representation>\n",
			3+i, bw, reps[fmt.Sprintf("a%d", i)])
	}
	b.WriteString("</AdaptationSet>\n</Period>\n</MPD>\n")
	return os.WriteFile(filepath.Join(dir, filepath.FromSlash(LadderDASHBase)), []byte(b.String()), 0o644)
}

// sidxRange reads a fragmented MP4's top-level boxes: the last byte of
// its initialization (ftyp and moov) and of its sidx, which follows.
func sidxRange(file string) (initEnd, sidxEnd int64, err error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, 0, err
	}
	initEnd = -1
	for at := int64(0); at+8 <= int64(len(b)); {
		size := int64(binary.BigEndian.Uint32(b[at:]))
		kind := string(b[at+4 : at+8])
		if size < 8 {
			break
		}
		switch kind {
		case "moov":
			initEnd = at + size - 1
		case "sidx":
			if initEnd < 0 || at != initEnd+1 {
				return 0, 0, fmt.Errorf("loopback: %s: the sidx does not follow the moov", file)
			}
			return initEnd, at + size - 1, nil
		}
		at += size
	}
	return 0, 0, fmt.Errorf("loopback: %s has no sidx after its moov", file)
}
