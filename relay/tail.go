package relay

// tail keeps the last bytes written to the player, for the overlap check
// of a splice. It is a ring of fixed size: no allocation per write.
type tail struct {
	buf  []byte
	next int // where the next byte goes
	n    int // bytes held, up to len(buf)
}

func newTail(size int) *tail { return &tail{buf: make([]byte, size)} }

func (t *tail) add(p []byte) {
	if len(p) >= len(t.buf) {
		copy(t.buf, p[len(p)-len(t.buf):])
		t.next, t.n = 0, len(t.buf)
		return
	}
	k := copy(t.buf[t.next:], p)
	copy(t.buf, p[k:])
	t.next = (t.next + len(p)) % len(t.buf)
	t.n = min(len(t.buf), t.n+len(p))
}

func (t *tail) len() int     { return t.n }
func (t *tail) len64() int64 { return int64(t.n) }

// last returns the last n bytes held, oldest first.
func (t *tail) last(n int) []byte {
	n = min(n, t.n)
	out := make([]byte, n)
	start := (t.next - n + len(t.buf)) % len(t.buf)
	k := copy(out, t.buf[start:min(len(t.buf), start+n)])
	copy(out[k:], t.buf[:n-k])
	return out
}
