package relay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"clusterplay/events"
)

// serveAltPlaylist reads a media playlist of the pathway in use whole,
// from the next pathway when one fails mid-way, points its URLs back at
// the relay under what the player was shown, and answers the player's
// request from the rewritten body.
func (r *Relay) serveAltPlaylist(w http.ResponseWriter, req *http.Request, st *altStream, up *upstream, clip string, rt altRoute) {
	release := r.manifests.acquire(req.Context())
	if release == nil {
		up.close()
		busy(w)
		return
	}
	defer release()
	var tried []string
	for {
		body, err := r.readManifest(up)
		if err == nil {
			r.finishPart(&part{bytes: int64(len(body)), began: up.began}, up)
			up.close()
			base := r.baseFor(req)
			body = st.table.playlist(up.alt.pathway, rt.k, body, base+altPath(rt.k, ""))
			body = newRewriter(r.opts.Engine.Hosts(), base).rewrite(body)
			copyHeaders(w.Header(), up.resp.Header, forwardManifest)
			if w.Header().Get("Content-Type") == "" {
				w.Header().Set("Content-Type", manifestExt(rt.rest))
			}
			http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(body))
			return
		}
		r.finishPart(&part{bytes: up.delivered.Load(), began: up.began}, up)
		up.close()
		target, _ := st.table.target(up.alt.pathway, rt.k, rt.rest)
		r.failAlternative(st, up.alt.pathway, up.host, target, clip, err)
		tried = append(tried, up.alt.pathway)
		next, oerr := r.openAlternative(req.Context(), st, req, clip, rt, byteRange{end: -1}, tried)
		if oerr != nil {
			http.Error(w, "no pathway could serve "+clip+": "+oerr.Error(), http.StatusBadGateway)
			return
		}
		up = next
	}
}

// spliceAlternative continues a response of a pathway that failed from
// the next pathway, as splice does between typed hosts: the failing one
// is penalised, the next is asked from the offset less the overlap, which
// must be the bytes already sent.
func (r *Relay) spliceAlternative(ctx context.Context, from *upstream, want byteRange, pos, overlap int64,
	tail *tail, class events.Class, cause error) (*upstream, events.Event, error) {
	st := r.altStreamNow()
	if st == nil {
		return nil, events.Event{}, errNoHostLeft
	}
	at := pos - overlap
	candidates, until := r.spliceCandidates(st, from, class)
	for _, q := range candidates {
		h := st.host(q)
		target, ok := st.table.target(q, from.alt.k, from.alt.rest)
		if h == nil || !ok || r.allowedURL(target) != nil {
			continue
		}
		next, err := r.getURL(ctx, h, target, from.path, want.header(at), nil)
		if err != nil {
			if ctx.Err() != nil {
				return nil, events.Event{}, ctx.Err()
			}
			r.failAlternative(st, q, h, target, from.path, err)
			continue
		}
		next.alt = &altRoute{pathway: q, k: from.alt.k, rest: from.alt.rest}
		// Another CDN names the same bytes by another ETag: across
		// pathways the length and the overlap's bytes are what is checked.
		next.etag = ""
		if why := r.continues(from, next, at, overlap, tail); why != "" {
			next.close()
			r.publish(events.Event{Kind: events.ConnectFailed, Host: h.URL, Index: h.Index, URL: events.RedactURL(target),
				Class: events.ClassMismatch, Err: why, Pathway: q})
			continue
		}
		r.pickAlt(st)
		return next, events.Event{Kind: events.Failover, Host: from.host.URL, Index: from.host.Index,
			ToHost: h.URL, ToIndex: h.Index, URL: events.RedactURL(target), Class: class, Err: cause.Error(),
			ExpiresAt: until, Seamless: true, Offset: pos, Pathway: q}, nil
	}
	return nil, events.Event{}, errNoHostLeft
}

// spliceCandidates are the pathways a failed response may go on from,
// best first, and until when the one that failed is penalised (zero when
// it is not). A hard failure (a reset, an early end, an error) penalises
// it and moves on. A soft one (silent past the buffer's deadline, slower
// than the stream) moves only to a pathway not penalised: when every
// other one is, the same pathway is asked again from the offset, rather
// than bouncing the response between pathways that all came too slowly.
func (r *Relay) spliceCandidates(st *altStream, from *upstream, class events.Class) ([]string, time.Time) {
	failed := from.alt.pathway
	ahead := st.set.Ahead(failed)
	if class == events.ClassTimeout || class == events.ClassSlow {
		var free []string
		for _, q := range ahead {
			if st.set.PenaltyUntil(q).IsZero() {
				free = append(free, q)
			}
		}
		if len(free) == 0 {
			return []string{failed}, time.Time{}
		}
		ahead = free
	}
	until := st.failed(failed)
	r.opts.Engine.MarkFailed(from.host)
	if st.onFail != nil {
		ahead = reranked(st.set.Ahead(failed), ahead) // DVB excluded more than the failed one
	}
	return ahead, until
}

// allowedURL refuses what a manifest may not make the relay fetch: a
// scheme other than http(s), or the relay itself.
func (r *Relay) allowedURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("unusable URL: %v", err)
	}
	return r.allowedParsed(u)
}

func (r *Relay) allowedParsed(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme %q: the relay fetches only http and https", u.Scheme)
	}
	if u.Hostname() == "" {
		return errors.New("no host in the URL")
	}
	addr, ok := r.ln.Addr().(*net.TCPAddr)
	if !ok {
		return nil
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if port != fmt.Sprint(addr.Port) {
		return nil
	}
	host := strings.ToLower(u.Hostname())
	ip := net.ParseIP(host)
	if host == "localhost" || (ip != nil && (ip.IsLoopback() || ip.Equal(addr.IP) || ip.IsUnspecified())) {
		return errors.New("it points at the relay itself")
	}
	return nil
}
