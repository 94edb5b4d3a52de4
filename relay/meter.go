package relay

import (
	"io"

	"clusterplay/abr"
	"clusterplay/cluster"
)

// The relay measures every host's throughput in one place, an abr.Meter:
// a host is busy while at least one fetch from it is open, and its rate
// is its bytes over that time. The move away from a slow host, the
// choice of where a failover for slowness goes, CMCD's measured
// throughput and the choice of a variant all read these measurements, so
// none of them judges a host by one response of several that share its
// link.

// meterKey names a host in the meter.
func meterKey(h *cluster.Host) string { return h.URL }

// meterBegin notes that a request to h was sent; the returned func notes
// that its response was closed (any number of calls, the first counts).
func (r *Relay) meterBegin(h *cluster.Host) func() { return r.meter.Begin(meterKey(h)) }

// got notes n body bytes read from up in its delivered count. The meter
// has counted them already, as they were read (meteredBody).
func (r *Relay) got(up *upstream, n int) {
	if n > 0 {
		up.delivered.Add(int64(n))
	}
}

// meteredBody counts every byte read from body as h's, whichever loop
// reads it (a relayed body, a manifest, a splice's overlap, a segment the
// relay holds whole), so that none reads a host unmetered while its busy
// time runs.
func (r *Relay) meteredBody(h *cluster.Host, body io.ReadCloser) io.ReadCloser {
	return &countingBody{ReadCloser: body, meter: r.meter, host: meterKey(h)}
}

// meterKernelRead counts n bytes read from up when the kernel carries its
// body: the kernel path (zerocopy.go) reads the host's socket itself,
// into a pipe, past the metered body net/http gave.
func (r *Relay) meterKernelRead(up *upstream, n int) {
	if _, kernel := up.resp.Body.(*splicedBody); kernel {
		r.meter.Add(meterKey(up.host), n)
	}
}

type countingBody struct {
	io.ReadCloser
	meter *abr.Meter
	host  string
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.meter.Add(b.host, n)
	return n, err
}

// Throughput is what the relay measured of h, in bits per second: the
// lower of the fast and slow averages (abr.Meter.Estimate). ok is false
// before any of h's bytes were timed.
func (r *Relay) Throughput(h *cluster.Host) (bps float64, ok bool) {
	return r.meter.Estimate(meterKey(h))
}

// bytesPerSec is h's measured throughput in bytes a second, 0 when none
// is known: the unit of the fetch events and CMCD.
func (r *Relay) bytesPerSec(h *cluster.Host) float64 {
	bps, ok := r.Throughput(h)
	if !ok {
		return 0
	}
	return bps / 8
}
