package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// shortURL fits a URL into w cells by cutting it in the middle: what tells
// hosts apart is the host and its port (loopback hosts differ by port
// alone), then the end of the path (the clip), then the scheme, so the
// middle of the path goes first, then the scheme:
//
//	http://127.0.0.1:45417/media/vod/clip.mp4 → http://127.0.0.1:45417/…/clip.mp4
//	                                          → 127.0.0.1:45417/…/clip.mp4
//	                                          → 127.0.0.1:45417/…
//
// Text that is no URL keeps its start and its end. The result is at most w
// cells; only a host and port wider than w are themselves cut.
func shortURL(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	scheme, rest, isURL := strings.Cut(s, "://")
	if !isURL {
		return cutMiddle(s, w)
	}
	hostport, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		hostport, path = rest[:i], rest[i:]
	}
	full := scheme + "://" + hostport
	for _, c := range []string{
		withTail(full, path, w),
		hostport + path,
		withTail(hostport, path, w),
		full + "/…",
		hostport + "/…",
	} {
		if c != "" && ansi.StringWidth(c) <= w && (path != "" || !strings.HasSuffix(c, "/…")) {
			return c
		}
	}
	return cutMiddle(hostport, w)
}

// withTail is head, "/…" and the longest tail of path that starts at a
// slash (its first and a trailing one excepted) and fits w cells; "" when
// no such tail fits.
func withTail(head, path string, w int) string {
	room := w - ansi.StringWidth(head) - ansi.StringWidth("/…")
	best := ""
	for i := len(path) - 2; i > 0; i-- {
		if path[i] != '/' {
			continue
		}
		if ansi.StringWidth(path[i:]) > room {
			break
		}
		best = path[i:]
	}
	if best == "" {
		return ""
	}
	return head + "/…" + best
}

// cutMiddle keeps s's start and end around an ellipsis, w cells in all.
func cutMiddle(s string, w int) string {
	r := []rune(s)
	if len(r) <= w {
		return s
	}
	if w == 1 {
		return "…"
	}
	tail := (w - 1) / 2
	return string(r[:w-1-tail]) + "…" + string(r[len(r)-tail:])
}
