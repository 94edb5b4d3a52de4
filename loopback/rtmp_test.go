package loopback

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/amf0"
	"github.com/bluenviron/gortmplib/pkg/bytecounter"
	"github.com/bluenviron/gortmplib/pkg/handshake"
	"github.com/bluenviron/gortmplib/pkg/message"
	"github.com/bluenviron/gortmplib/pkg/rawmessage"

	"clusterplay/assets"
)

// The RTMP hosts are checked with gortmplib's own client, so they are known
// to behave as described before the cluster engine's tests rely on them.

func mediaDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, assets.ClipName), assets.Clip, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// nginxOrSkip starts nginx for a test of the end-to-end tier, which -short
// leaves to the full run.
func nginxOrSkip(t *testing.T, dir string) *NginxHost {
	t.Helper()
	EndToEnd(t, "nginx")
	n, err := StartNginxRTMP(dir)
	MissingTool(t, err)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// play runs gortmplib's client against rawURL (fragment form) and returns
// the client, to be closed, or Initialize's error.
func play(t *testing.T, rawURL string, tlsConfig *tls.Config, timeout time.Duration) (*gortmplib.Client, error) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c := &gortmplib.Client{URL: u, TLSConfig: tlsConfig}
	if err := c.Initialize(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func TestNginxRTMPPlaysAndDies(t *testing.T) {
	n := nginxOrSkip(t, mediaDir(t))
	if !strings.HasPrefix(n.URL, "rtmp://127.0.0.1:") || !strings.HasSuffix(n.URL, "/vod") || n.LiveURL != strings.TrimSuffix(n.URL, "vod")+"live" ||
		n.IdleURL != strings.TrimSuffix(n.URL, "vod")+"idle" {
		t.Fatalf("URL %q, LiveURL %q, IdleURL %q", n.URL, n.LiveURL, n.IdleURL)
	}
	c, err := play(t, n.URL+"#"+assets.ClipName, nil, 5*time.Second)
	if err != nil {
		t.Fatalf("play: %v\n%s", err, n.Log())
	}
	media := false
	c.NetConn().SetReadDeadline(time.Now().Add(5 * time.Second))
	for i := 0; i < 50 && !media; i++ {
		msg, err := c.Read()
		if err != nil {
			t.Fatalf("reading the stream: %v", err)
		}
		_, audio := msg.(*message.Audio)
		_, video := msg.(*message.Video)
		media = audio || video
	}
	c.Close()
	if !media {
		t.Fatal("no audio or video in the first 50 messages")
	}
	if _, err := play(t, n.URL+"#nothing.mp4", nil, 5*time.Second); err == nil || !strings.Contains(err.Error(), "StreamNotFound") {
		t.Errorf("missing clip: %v, want StreamNotFound", err)
	}

	pid := n.Pid()
	n.Kill()
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("nginx pid %d after Kill: %v, want it gone", pid, err)
	}
	if err := syscall.Kill(-pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process group %d after Kill: %v, want it empty", pid, err)
	}
	if _, err := net.DialTimeout("tcp", n.Addr, time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial after Kill: %v, want ECONNREFUSED", err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(n.Dir); !os.IsNotExist(err) {
		t.Errorf("temp dir %s left after Close", n.Dir)
	}
}

func TestNginxMissingNamesThePackage(t *testing.T) {
	saved := nginxBinaries
	defer func() { nginxBinaries = saved }()
	nginxBinaries = []string{"/nonexistent/nginx"}
	_, err := StartNginxRTMP(t.TempDir())
	if !errors.Is(err, ErrNginxMissing) || !strings.Contains(err.Error(), "apt-get install nginx libnginx-mod-rtmp") {
		t.Fatalf("err = %v, want ErrNginxMissing naming the packages", err)
	}
}

func TestLiveFeed(t *testing.T) {
	dir := mediaDir(t)
	n := nginxOrSkip(t, dir)
	feed, err := StartLiveFeed(n.LiveURL+"/feed", filepath.Join(dir, assets.ClipName))
	MissingTool(t, err)
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Stop()
	// StartLiveFeed returns before nginx has the stream, and nothing says
	// when it does: poll by playing, as a player would, to a deadline.
	for began := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		c, err := play(t, n.LiveURL+"#feed", nil, 3*time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Since(began) > 10*time.Second {
			t.Fatalf("live stream not playable: %v; ffmpeg: %s", err, feed.Output())
		}
	}
	feed.Stop()
	select {
	case <-feed.Exited():
	default:
		t.Fatal("Stop returned before ffmpeg was reaped")
	}
}

func TestTLSProxy(t *testing.T) {
	n := nginxOrSkip(t, mediaDir(t))
	p := start(t)(TLSProxy(n.Addr, "/vod"))
	if !strings.HasPrefix(p.URL, "rtmps://127.0.0.1:") || !strings.HasSuffix(p.URL, "/vod") {
		t.Fatalf("URL %q", p.URL)
	}
	c, err := play(t, p.URL+"#"+assets.ClipName, &tls.Config{RootCAs: p.CertPool()}, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	waitFor(t, "the proxied connection to close", func() bool { return p.OpenConns() == 0 })
}

func TestRTMPFaults(t *testing.T) {
	target := start(t)(RejectingRTMP()) // only its URL matters, as a redirect target
	tests := []struct {
		name    string
		start   func() (*Host, error)
		wantErr string // substring of gortmplib's error
	}{
		{"rejecting", RejectingRTMP, "NetConnection.Connect.Rejected"},
		{"redirecting", func() (*Host, error) { return RedirectingRTMP(target.URL) }, "redirect " + target.URL},
		{"redirect loop", RedirectLoopRTMP, "{code 302}"},
		{"garbage", GarbageRTMP, ""},
		{"mid-handshake", MidHandshakeRTMP, "use of closed network connection"}, // gortmplib closes at the deadline,
		{"handshake only", HandshakeOnlyRTMP, "use of closed network connection"},
		{"huge chunk", HugeChunkRTMP, "chunk size (2147483647) exceeds maximum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t)(tt.start())
			if !strings.HasPrefix(h.URL, "rtmp://127.0.0.1:") || !strings.HasSuffix(h.URL, "/app") {
				t.Fatalf("URL %q", h.URL)
			}
			c, err := play(t, h.URL+"#clip.mp4", nil, 500*time.Millisecond)
			if err == nil {
				c.Close()
				t.Fatal("play succeeded")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("play: %v, want an error with %q", err, tt.wantErr)
			}
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
			if n := h.OpenConns(); n != 0 {
				t.Errorf("%d connections open after Close", n)
			}
		})
	}
}

// TestDeepAMFRTMP reads the hostile reply raw: decoding it with gortmplib
// would recurse 200,000 times, which is the point of this host.
func TestDeepAMFRTMP(t *testing.T) {
	h := start(t)(DeepAMFRTMP())
	bc := connectRaw(t, h)
	r := rawmessage.NewReader(bc, bc.Reader, func(uint32) error { return nil })
	for {
		m, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		switch message.Type(m.Type) {
		case message.TypeSetChunkSize:
			r.SetChunkSize(uint32(m.Body[0])<<24 | uint32(m.Body[1])<<16 | uint32(m.Body[2])<<8 | uint32(m.Body[3]))
		case message.TypeCommandAMF0:
			if len(m.Body) < 1<<20-64 {
				t.Fatalf("reply of %d bytes, want about 1 MiB", len(m.Body))
			}
			return
		}
	}
}

// TestTinyChunkRTMP reads the tiny-chunk host raw: chunk size 1, then
// complete, decodable command messages of the size asked for, one after
// the other, each chunk two bytes on the wire.
func TestTinyChunkRTMP(t *testing.T) {
	if _, err := TinyChunkRTMP(10); err == nil {
		t.Error("TinyChunkRTMP(10) started; a message that small cannot hold the command")
	}
	const size = 100
	h := start(t)(TinyChunkRTMP(size))
	bc := connectRaw(t, h)
	// The server's bytes are read raw, to check the framing itself: a
	// SetChunkSize message as gortmplib frames it, then per message a type 0
	// chunk with one body byte and type 3 chunks of one byte each.
	read := func(n int) []byte {
		t.Helper()
		b := make([]byte, n)
		if _, err := io.ReadFull(bc, b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	setChunkSize := []byte{2, 0, 0, 0, 0, 0, 4, byte(message.TypeSetChunkSize), 0, 0, 0, 0, 0, 0, 0, 1}
	if b := read(len(setChunkSize)); !bytes.Equal(b, setChunkSize) {
		t.Fatalf("server sent % x, want SetChunkSize 1: % x", b, setChunkSize)
	}
	for i := range 2 {
		b := read(12 + 1 + 2*(size-1))
		header := []byte{3, 0, 0, 0, 0, 0, size, byte(message.TypeCommandAMF0), 0, 0, 0, 0}
		if !bytes.Equal(b[:12], header) {
			t.Fatalf("message %d starts with % x, want the type 0 header % x", i, b[:12], header)
		}
		body := []byte{b[12]}
		for j := 13; j < len(b); j += 2 {
			if b[j] != 3<<6|3 {
				t.Fatalf("message %d: chunk header %#x at %d, want a type 3 chunk on stream 3", i, b[j], j)
			}
			body = append(body, b[j+1])
		}
		// "onBWDone" and 0 take 20 bytes; every other byte is a null.
		data, err := amf0.Unmarshal(body)
		if err != nil || len(data) != 2+size-20 || data[0] != "onBWDone" || data[1] != float64(0) || data[2] != nil {
			t.Fatalf("message %d does not decode as onBWDone, 0 and nulls: %v %v", i, data, err)
		}
	}
}

// connectRaw dials a fake RTMP host, shakes hands and sends connect, for
// the tests that read the host's reply byte by byte. The connection lives
// as long as the test.
func connectRaw(t *testing.T, h *Host) *bytecounter.ReadWriter {
	t.Helper()
	c, err := net.DialTimeout("tcp", h.Addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Second))
	bc := bytecounter.NewReadWriter(c)
	if _, _, err := handshake.DoClient(bc, false, false); err != nil {
		t.Fatal(err)
	}
	w := message.NewWriter(bc, bc.Writer, false)
	if err := w.Write(&message.CommandAMF0{ChunkStreamID: 3, Name: "connect", CommandID: 1, Arguments: []any{
		amf0.Object{{Key: "app", Value: "app"}, {Key: "tcUrl", Value: "rtmp://" + h.Addr + "/app"}},
	}}); err != nil {
		t.Fatal(err)
	}
	return bc
}
