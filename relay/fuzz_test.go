package relay

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"clusterplay/cluster"
)

// The fuzz targets hold the relay's reading of a player's Range and its
// rewriting of manifests to what the player and the hosts rely on, whatever
// the input. `go test` runs the seeds (here and in testdata/fuzz);
// `go test -fuzz FuzzRange ./relay` searches further.

// FuzzRange: a Range header is read as one satisfiable-looking range or as
// none, and the answer the relay makes of it for a file of total bytes
// never says a length it does not send: 206 within the file, with a
// Content-Length that is the range's, 416 only past the end.
func FuzzRange(f *testing.F) {
	for _, s := range []string{"", "bytes=0-", "bytes=1-9223372036854775807", "bytes=5000000-", "bytes=-500", "bytes=5-1",
		"bytes=0-0,5-9", "bytes= 7 - 9 ", "items=0-1", "bytes=9223372036854775807-", "bytes=99999999999999999999-", "bytes=+1-+2"} {
		f.Add(s, int64(268830))
	}
	f.Fuzz(func(t *testing.T, header string, total int64) {
		total = max(0, total%(1<<40))
		br := parseRange(header)
		if !br.asked && (br.start != 0 || br.end != -1) {
			t.Fatalf("%q: not asked, yet %+v", header, br)
		}
		if br.asked && (br.start < 0 || (br.end != -1 && br.end < br.start)) {
			t.Fatalf("%q: %+v", header, br)
		}
		up := &upstream{resp: &http.Response{Header: http.Header{}}, status: http.StatusOK, end: total, total: total}
		h := http.Header{}
		sp, status := respond(h, up, br)
		switch status {
		case http.StatusOK:
			if br.asked {
				t.Fatalf("%q: 200 to a range", header)
			}
		case http.StatusPartialContent:
			cl, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
			want := fmt.Sprintf("bytes %d-%d/%d", sp.from, sp.to-1, total)
			if err != nil || cl <= 0 || cl > total-br.start || cl != sp.to-sp.from || sp.from != br.start ||
				sp.to <= sp.from || sp.to > total || h.Get("Content-Range") != want {
				t.Fatalf("%q of %d: Content-Length %q, Content-Range %q, span %+v", header, total, h.Get("Content-Length"), h.Get("Content-Range"), sp)
			}
		case http.StatusRequestedRangeNotSatisfiable:
			if br.start < total || h.Get("Content-Range") != "bytes */"+strconv.FormatInt(total, 10) {
				t.Fatalf("%q of %d: 416, Content-Range %q", header, total, h.Get("Content-Range"))
			}
		default:
			t.Fatalf("%q of %d: %d", header, total, status)
		}
	})
}

// FuzzRewrite: the one-pass rewrite points exactly the URLs that a
// comparison with every host, one at a time, would point, leaves a text
// without URLs as it is, and rewriting again changes nothing.
func FuzzRewrite(f *testing.F) {
	for _, s := range []string{
		"#EXTM3U\nhttp://127.0.0.1:18081/video/a/b.ts\nhttps://cdn.example.com/media/deep/x.m4s\n",
		`<BaseURL>HTTP://CDN.EXAMPLE.COM:443/media/</BaseURL><SegmentURL media="https://cdn.example.com/media?x=1"/>`,
		"http://plain.example.com\nhttp://plain.example.com/\nhttp://127.0.0.1:18082/video?x#y",
		"hhhttp://http://https:// HTTP://127.0.0.1:18081/video/video/../x '\"<>",
		"http://127.0.0.1:18081" + strings.Repeat("/", 100) + "video/x",
	} {
		f.Add(s)
	}
	hosts, err := cluster.NewHosts([]cluster.HostSpec{
		{URL: "http://127.0.0.1:18081/video"}, {URL: "http://127.0.0.1:18082/video/"},
		{URL: "https://cdn.example.com/media"}, {URL: "https://cdn.example.com/media/deep"},
		{URL: "http://plain.example.com"}, {URL: "rtmp://127.0.0.1:18083/vod"},
	})
	if err != nil {
		f.Fatal(err)
	}
	const to = "http://127.0.0.1:9999/tok/"
	rw := newRewriter(hosts, to)
	f.Fuzz(func(t *testing.T, body string) {
		out := rw.rewrite([]byte(body))
		if want := rewriteHostByHost(hosts, to, body); string(out) != want {
			t.Fatalf("%q:\none pass:     %q\nhost by host: %q", body, out, want)
		}
		if indexURL([]byte(body)) < 0 && string(out) != body {
			t.Fatalf("%q without URLs became %q", body, out)
		}
		if again := rw.rewrite(out); !bytes.Equal(again, out) {
			t.Fatalf("%q: rewritten twice differs: %q, %q", body, out, again)
		}
	})
}

// rewriteHostByHost is the rewrite as it was, comparing each URL with
// every host in turn: the reference the one-pass index must agree with.
func rewriteHostByHost(hosts []*cluster.Host, to, body string) string {
	var out strings.Builder
	rest := []byte(body)
	for {
		i := indexURL(rest)
		if i < 0 {
			out.Write(rest)
			return out.String()
		}
		out.Write(rest[:i])
		rest = rest[i:]
		n := urlEnd(rest)
		out.WriteString(pointHostByHost(hosts, to, string(rest[:n])))
		rest = rest[n:]
	}
}

func pointHostByHost(hosts []*cluster.Host, to, raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return raw
	}
	tail := raw[strings.Index(raw, "://")+3:]
	if k := strings.IndexAny(tail, "/?#"); k >= 0 {
		tail = tail[k:]
	} else {
		tail = ""
	}
	best := ""
	for _, h := range hosts {
		hu, err := url.Parse(h.Key())
		if err != nil || !h.IsHTTP() {
			continue
		}
		p := strings.TrimSuffix(hu.EscapedPath(), "/") + "/"
		if origin(hu) == origin(u) && strings.HasPrefix(tail, p) && len(p) > len(best) {
			best = p
		}
	}
	if best == "" {
		return raw
	}
	return to + strings.TrimPrefix(tail, best)
}

// FuzzRoute: whatever request line a client sends, the relay either
// refuses it or serves a clip under its token with no ".." segment, in
// any escaping, that a host's URL could climb out of its base with.
func FuzzRoute(f *testing.F) {
	for _, s := range []string{"/tok/clip.mp4", "/tok/a/../../etc/passwd", "/tok/%2e%2e/x", "/tok/.%2E/x", "/tok//x?y=1",
		"/tok", "/tok/", "/other/clip.mp4", "http://evil/tok/clip.mp4", "*", "/tok/x#y", "/tok/%00", "/tok/a%2f..%2fb"} {
		f.Add(s)
	}
	r := &Relay{opts: Options{Token: "tok"}}
	f.Fuzz(func(t *testing.T, target string) {
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n")))
		if err != nil {
			return // net/http refuses it before the relay sees it
		}
		clip, status, _ := r.route(req)
		if status != 0 {
			return
		}
		if !strings.HasPrefix(req.URL.EscapedPath(), "/tok/") || clip == "" {
			t.Fatalf("%q served as clip %q", target, clip)
		}
		p, _, _ := strings.Cut(clip, "?")
		for _, seg := range strings.Split(p, "/") {
			if u, err := url.PathUnescape(seg); err == nil && u == ".." {
				t.Fatalf("%q served as clip %q, with a '..'", target, clip)
			}
		}
	})
}
