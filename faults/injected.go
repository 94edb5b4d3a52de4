package faults

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"
)

// Injected is the error of a request a rule failed: whoever reads it
// fails that one request and counts nothing against the host.
type Injected struct {
	Rule string
	Err  error
}

func (e *Injected) Error() string { return fmt.Sprintf("%v (injected by %s)", e.Err, e.Rule) }
func (e *Injected) Unwrap() error { return e.Err }

// IsInjected reports whether err comes from an injected fault.
func IsInjected(err error) bool {
	var in *Injected
	return errors.As(err, &in)
}

// ErrHang is the error of a request that got no answer before the
// timeout.
var ErrHang = errors.New("no answer (hang)")

// Body wraps a host's response body with a body action: it resets,
// stalls, throttles, truncates or corrupts the bytes as they pass. ctx
// ends a stall or a throttle's wait (the reader gave up). holds, when
// set, says whether the fault is still in force: once it is not, the
// bytes pass as the host sends them.
func Body(ctx context.Context, body io.ReadCloser, hit Hit, holds func() bool) io.ReadCloser {
	return &faultBody{ctx: ctx, body: body, hit: hit, began: time.Now(), holds: holds}
}

type faultBody struct {
	ctx     context.Context
	body    io.ReadCloser
	hit     Hit
	began   time.Time
	n       int64 // bytes passed on
	stalled bool
	holds   func() bool
	ended   bool  // the fault no longer holds: the bytes pass
	checked int64 // the 64 KiB block of n at the last check
}

// lapsed reports whether the fault has ended, checking at most every
// 64 KiB so that a fast body does not pay for it on every read.
func (b *faultBody) lapsed() bool {
	if !b.ended && b.holds != nil && (b.n == 0 || b.n/(64<<10) != b.checked) {
		b.checked = b.n / (64 << 10)
		b.ended = !b.holds()
	}
	return b.ended
}

func (b *faultBody) Read(p []byte) (int, error) {
	if b.lapsed() {
		return b.body.Read(p)
	}
	a := b.hit.Action
	limit := int64(len(p))
	switch a.Verb {
	case Reset, Truncate, Stall:
		left := a.Bytes - b.n
		if left <= 0 {
			return b.after()
		}
		limit = min(limit, left)
	case Throttle:
		// At most a tenth of a second's worth at a time, each read
		// waiting until the bytes so far are due.
		limit = min(limit, max(1, a.Rate/10))
		due := b.began.Add(time.Duration(float64(b.n) / float64(a.Rate) * float64(time.Second)))
		if err := b.wait(time.Until(due)); err != nil {
			return 0, err
		}
	}
	n, err := b.body.Read(p[:limit])
	if a.Verb == Corrupt {
		for i := range p[:n] {
			p[i] ^= 0xA5 // every byte another, the length the same
		}
	}
	b.n += int64(n)
	return n, err
}

// after is what a reset, truncate or stall does once its bytes passed.
func (b *faultBody) after() (int, error) {
	switch b.hit.Action.Verb {
	case Reset:
		b.body.Close()
		return 0, &Injected{Rule: b.hit.Rule, Err: fmt.Errorf("read: %w", syscall.ECONNRESET)}
	case Truncate:
		b.body.Close()
		return 0, io.EOF
	}
	// A stall: once, then the rest flows.
	if !b.stalled {
		b.stalled = true
		if err := b.wait(b.hit.Action.For); err != nil {
			return 0, err
		}
	}
	b.hit.Action.Bytes = 1<<62 - 1
	return 0, nil
}

func (b *faultBody) wait(d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-b.ctx.Done():
		return b.ctx.Err()
	}
}

func (b *faultBody) Close() error { return b.body.Close() }
