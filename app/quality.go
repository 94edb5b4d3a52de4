package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"clusterplay/cluster"
	"clusterplay/variants"
)

// --quality before the playback: list prints the clip's variants, and a
// fixed quality that names none of them is a usage error said before the
// player starts. Both read the manifest alone, never a segment.

// maxQualityManifest bounds the manifest read here, as the relay bounds
// its own.
const maxQualityManifest = 8 << 20

// fetchVariants reads the clip's manifest from the first HTTP host that
// serves it, in the hosts' order, and returns its variants: none when the
// clip is no HLS multivariant playlist or DASH manifest. ok is false when
// no host served it (the playback will say why).
func (a *app) fetchVariants(ctx context.Context, clip string) (vs []variants.Variant, ok bool) {
	client := &http.Client{Timeout: a.cfg.Cluster.ConnectTimeout + 10*time.Second, Transport: &http.Transport{
		Proxy:           http.ProxyFromEnvironment,
		TLSClientConfig: &tls.Config{InsecureSkipVerify: a.cfg.Cluster.Insecure}, //nolint:gosec // only with --insecure
	}}
	defer client.CloseIdleConnections()
	for _, h := range a.engine.Hosts() {
		if !h.IsHTTP() {
			continue
		}
		body, err := getManifest(ctx, client, h, clip, a.cfg.Cluster.Header)
		if err != nil {
			continue
		}
		return variants.Parse(body), true
	}
	return nil, false
}

func getManifest(ctx context.Context, client *http.Client, h *cluster.Host, clip string, header http.Header) ([]byte, error) {
	target, err := h.ClipURL(clip)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	cluster.SetRequestHeader(req, header)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if !looksLikeManifest(clip, resp.Header.Get("Content-Type")) {
		return nil, nil // a media file: one quality, and no reason to read it here
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxQualityManifest))
}

// listQualities is --quality list: a line per variant of each CLIP (name,
// WxH, bitrate, codecs), lowest first, and exit 0; 1 when no host served
// the manifest.
func (a *app) listQualities(ctx context.Context) int {
	code := exitOK
	for _, clip := range a.cfg.Clips {
		vs, ok := a.fetchVariants(ctx, clip)
		switch {
		case ctx.Err() != nil:
			return a.finish(a.stop.exit())
		case !ok:
			a.say("no host served", clip)
			code = exitAllFailed
			continue
		case len(vs) == 0:
			a.say(clip, "has one quality: it is no HLS multivariant playlist or DASH manifest with several variants")
			continue
		}
		for _, v := range vs {
			if _, err := fmt.Fprintln(a.stdout, v.Line()); err != nil {
				return a.finish(exitBrokenPipe)
			}
		}
	}
	return a.finish(code)
}

// checkQuality refuses, before anything plays, a fixed --quality that
// matches none of the clip's variants. auto and list need no check, nor
// a clip without variants (it plays as it is).
func (a *app) checkQuality() error {
	q := a.cfg.Quality
	if !a.mode.plays() || q == "" || q == variants.Auto || q == variants.List {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.Cluster.ConnectTimeout+10*time.Second)
	defer cancel()
	vs, ok := a.fetchVariants(ctx, a.cfg.Clip)
	if !ok || len(vs) == 0 {
		return nil
	}
	v, _, err := variants.Choose(q, vs)
	if err != nil {
		if errors.Is(err, variants.ErrNoMatch) {
			return fmt.Errorf("quality: no variant of %s matches %q; it has %s", a.cfg.Clip, q, variants.Names(vs))
		}
		return fmt.Errorf("quality: %w", err)
	}
	a.qualityBitrate = v.Bandwidth
	return nil
}

// qualityForMPV adds to mpv's options, with --relay=off, the bitrate of
// the fixed quality chosen (mpv's hls-bitrate): without the relay mpv
// picks the HLS variant itself. The user's own --mpv options come last.
func (a *app) qualityForMPV(extra [][2]string) [][2]string {
	if a.cfg.Relay || a.qualityBitrate <= 0 {
		return extra
	}
	return append([][2]string{{"hls-bitrate", strconv.FormatInt(a.qualityBitrate, 10)}}, extra...)
}

// looksLikeManifest says whether a clip, by its name or its type, is an
// HLS playlist or a DASH manifest.
func looksLikeManifest(clip, contentType string) bool {
	name, _, _ := strings.Cut(clip, "?")
	name = strings.ToLower(name)
	ct := strings.ToLower(contentType)
	return strings.HasSuffix(name, ".m3u8") || strings.HasSuffix(name, ".m3u") || strings.HasSuffix(name, ".mpd") ||
		strings.Contains(ct, "mpegurl") || strings.Contains(ct, "dash+xml")
}
