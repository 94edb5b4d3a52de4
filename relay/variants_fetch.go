package relay

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"clusterplay/cluster"
)

// errAbandoned is a download the ABR rule gave up for a lower variant.
var errAbandoned = errors.New("abandoned for a lower variant")

// maxSegment bounds a segment the ladder holds whole: minutes of a high
// bitrate are still far below it.
const maxSegment = 256 << 20

// fetchWhole reads clip (want's bytes of it) whole from the cluster, from
// the next host when one fails before the end (failover still works), and
// says each host's part as a fetch event. watch, when set, sees the
// download's progress (bytes got, the total or -1, time since it began)
// and ends it with errAbandoned by returning false. The relay's meter
// counts every byte (meter.go).
func (r *Relay) fetchWhole(ctx context.Context, req *http.Request, clip string, want byteRange,
	watch func(got, total int64, el time.Duration) bool) ([]byte, error) {
	var avoid []*cluster.Host
	for {
		up, err := r.openAvoiding(ctx, req, clip, want, avoid)
		if err != nil {
			return nil, err
		}
		body, err := r.readWhole(up, watch)
		p := &part{bytes: int64(len(body)), began: up.began}
		r.finishPart(p, up)
		up.close()
		switch {
		case err == nil:
			return body, nil
		case errors.Is(err, errAbandoned) || ctx.Err() != nil:
			return nil, err
		}
		r.log.Debug("quality: a segment's host failed", "path", clip, "host", up.host.URL, "err", err)
		if up.injected == "" && !errors.Is(err, errSlow) {
			r.failHost(up.host, clip, err)
		}
		avoid = append(avoid, up.host)
	}
}

func (r *Relay) readWhole(up *upstream, watch func(got, total int64, el time.Duration) bool) ([]byte, error) {
	var out bytes.Buffer
	buf := make([]byte, copyBuffer)
	total := int64(-1)
	if up.end >= 0 {
		total = up.end - up.start
	}
	for {
		n, timedOut, err := r.read(up, buf)
		out.Write(buf[:n])
		r.got(up, n)
		switch {
		case out.Len() > maxSegment:
			return nil, errors.New("larger than 256 MiB")
		case errors.Is(err, io.EOF) && (total < 0 || int64(out.Len()) >= total):
			return out.Bytes(), nil
		case timedOut:
			return out.Bytes(), errors.New("no byte for the read timeout")
		case err != nil:
			return out.Bytes(), err
		}
		if serr := r.tooSlow(up); serr != nil {
			return out.Bytes(), serr // slow.go: another host may be faster
		}
		if watch != nil && !watch(int64(out.Len()), total, time.Since(up.began)) {
			return out.Bytes(), errAbandoned
		}
	}
}
