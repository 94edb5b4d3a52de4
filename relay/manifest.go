package relay

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"clusterplay/cluster"
)

// maxManifest bounds an HLS playlist or DASH manifest read whole: real
// ones are kilobytes; a host sending more is not sending a manifest.
const maxManifest = 8 << 20

var manifestTypes = map[string]bool{
	"application/vnd.apple.mpegurl": true, "application/x-mpegurl": true, "audio/mpegurl": true,
	"audio/x-mpegurl": true, "application/dash+xml": true,
}

// isManifest reports whether up carries an HLS playlist or a DASH
// manifest, whose URLs must point back at the relay.
func isManifest(up *upstream) bool {
	if up.status != http.StatusOK {
		return false
	}
	if t, _, err := mime.ParseMediaType(up.resp.Header.Get("Content-Type")); err == nil && manifestTypes[strings.ToLower(t)] {
		return true
	}
	p, _, _ := strings.Cut(up.path, "?")
	switch strings.ToLower(path.Ext(p)) {
	case ".m3u8", ".m3u", ".mpd":
		return true
	}
	return false
}

// serveManifest reads the manifest whole, from another host when one fails
// mid-way (nothing has reached the player yet), and sends it with every
// absolute URL that points into the cluster rewritten to the relay, so
// that the segments follow the cluster too.
func (r *Relay) serveManifest(w http.ResponseWriter, req *http.Request, up *upstream) {
	var avoid []*cluster.Host
	for {
		body, err := r.readManifest(up)
		if err == nil {
			r.finishPart(&part{bytes: int64(len(body)), began: up.began}, up)
			up.close()
			body = r.rewrite(body)
			copyHeaders(w.Header(), up.resp.Header, forwardResponse)
			w.Header().Del("Content-Range")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			if req.Method != http.MethodHead {
				_, _ = w.Write(body)
			}
			return
		}
		up.close()
		r.failHost(up.host, up.path, err)
		avoid = append(avoid, up.host)
		next, oerr := r.openAvoiding(req.Context(), req, up.path, byteRange{end: -1}, avoid)
		if oerr != nil {
			http.Error(w, "no host could serve "+up.path+": "+oerr.Error(), http.StatusBadGateway)
			return
		}
		up = next
	}
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
		case errors.Is(err, io.EOF) && (up.end < 0 || int64(out.Len()) >= up.end):
			return out.Bytes(), nil
		case timedOut:
			return nil, errors.New("no byte for the read timeout")
		default:
			return nil, err
		}
	}
}

// rewrite points every absolute URL under one of the cluster's HTTP hosts
// at the relay, whichever host the manifest came from.
func (r *Relay) rewrite(body []byte) []byte {
	to := []byte(strings.TrimSuffix(r.URL(""), "/") + "/")
	for _, h := range r.opts.Engine.Hosts() {
		if !h.IsHTTP() {
			continue
		}
		base, _, _ := strings.Cut(h.URL, "?")
		from := []byte(strings.TrimSuffix(base, "/") + "/")
		body = bytes.ReplaceAll(body, from, to)
	}
	return body
}
