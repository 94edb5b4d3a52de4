package relay

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"clusterplay/cluster"
)

// maxManifest bounds an HLS playlist or DASH manifest read whole: real
// ones are kilobytes; a host sending more is not sending a manifest.
const maxManifest = 8 << 20

var manifestTypes = map[string]bool{
	"application/vnd.apple.mpegurl": true, "application/x-mpegurl": true, "audio/mpegurl": true,
	"audio/x-mpegurl": true, "application/dash+xml": true,
}

// Of a host's answer to a manifest, what still describes the rewritten
// body: its length, ranges and validators are the relay's own.
var forwardManifest = []string{"Content-Type", "Cache-Control", "Expires", "Content-Disposition"}

// manifestExt is the media type of a manifest by its clip's extension,
// "" when the name does not say it is one.
func manifestExt(clip string) string {
	p, _, _ := strings.Cut(clip, "?")
	switch strings.ToLower(path.Ext(p)) {
	case ".m3u8", ".m3u":
		return "application/vnd.apple.mpegurl"
	case ".mpd":
		return "application/dash+xml"
	}
	return ""
}

// isManifest reports whether up carries an HLS playlist or a DASH
// manifest, whose URLs must point back at the relay: by its type or by its
// name, whatever the status (a CDN answers the player's Range: bytes=0-
// with 206).
func isManifest(up *upstream) bool {
	if t, _, err := mime.ParseMediaType(up.resp.Header.Get("Content-Type")); err == nil && manifestTypes[strings.ToLower(t)] {
		return true
	}
	return manifestExt(up.path) != ""
}

// whole reports whether up's body is the whole file.
func (u *upstream) whole() bool {
	return u.start == 0 && (u.status == http.StatusOK || (u.total >= 0 && u.end == u.total))
}

// wholeManifest returns up when it carries the whole manifest, else the
// whole manifest fetched again without a range: a manifest is rewritten
// whole, and the player's range is taken from the rewritten body.
func (r *Relay) wholeManifest(ctx context.Context, req *http.Request, up *upstream) (*upstream, error) {
	if up.whole() {
		return up, nil
	}
	up.close()
	return r.open(ctx, req, up.path, byteRange{end: -1})
}

// serveManifest reads the manifest whole, from another host when one fails
// mid-way (nothing has reached the player yet), rewrites it (rewrite.go),
// and answers the player's request from the rewritten body: its range
// (206 with the rewritten bytes, 416 past their end), HEAD, or all of it.
func (r *Relay) serveManifest(w http.ResponseWriter, req *http.Request, up *upstream) {
	release := r.manifests.acquire(req.Context())
	if release == nil {
		up.close()
		busy(w)
		return
	}
	defer release()
	var avoid []*cluster.Host
	for {
		body, err := r.readManifest(up)
		if err == nil {
			r.finishPart(&part{bytes: int64(len(body)), began: up.began}, up)
			up.close()
			// redundant.go: one of each repeated variant shown
			body = r.steerRedundant(req, up, body)
			body = r.steerMaster(req, up, body) // steer.go: one pathway shown, the relay steers
			// steer_dash.go: one BaseURL shown, the relay chooses
			body = r.steerMPD(req, up, body)
			body = newRewriter(r.opts.Engine.Hosts(), r.baseFor(req)).rewrite(body)
			r.learnSegments(up.path, body, r.baseFor(req))
			body = r.variantView(req, up.path, body) // variants_view.go
			copyHeaders(w.Header(), up.resp.Header, forwardManifest)
			if w.Header().Get("Content-Type") == "" {
				w.Header().Set("Content-Type", manifestExt(up.path))
			}
			// No modification time and no ETag: every request gets the
			// bytes, rewritten for this relay, never a 304.
			http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(body))
			return
		}
		r.finishPart(&part{bytes: up.delivered.Load(), began: up.began}, up)
		up.close()
		if up.injected == "" {
			r.failHost(up.host, up.path, err)
		}
		avoid = append(avoid, up.host)
		next, oerr := r.openAvoiding(req.Context(), req, up.path, byteRange{end: -1}, avoid)
		if oerr != nil {
			http.Error(w, "no host could serve "+up.path+": "+oerr.Error(), http.StatusBadGateway)
			return
		}
		up = next
	}
}

// baseFor is the relay's URL for clips as the player reached it: a relay
// listening on all addresses (--listen-public) is not reached at 0.0.0.0.
func (r *Relay) baseFor(req *http.Request) string {
	if req.Host == "" {
		return r.URL("")
	}
	base := "http://" + req.Host + "/"
	if r.opts.Token != "" {
		base += r.opts.Token + "/"
	}
	return base
}

func (r *Relay) readManifest(up *upstream) ([]byte, error) {
	var out bytes.Buffer
	buf := make([]byte, 32<<10)
	for {
		n, timedOut, err := r.read(up, buf)
		out.Write(buf[:n])
		up.delivered.Add(int64(n))
		if out.Len() > maxManifest {
			return nil, errors.New("manifest larger than 8 MiB")
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF) && (up.end < 0 || up.start+int64(out.Len()) >= up.end):
			return out.Bytes(), nil
		case timedOut:
			return nil, errors.New("no byte for the read timeout")
		default:
			return nil, err
		}
	}
}
