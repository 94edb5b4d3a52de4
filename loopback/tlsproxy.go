package loopback

import (
	"crypto/tls"
	"io"
	"net"
	"strings"
	"time"
)

// TLSProxy terminates TLS with a fresh self-signed certificate (see
// CertPool) and forwards the plain bytes to targetAddr. In front of nginx,
// whose RTMP module has no TLS, it makes a real rtmps:// host: URL is
// "rtmps://127.0.0.1:PORT" + path, e.g. path "/vod".
func TLSProxy(targetAddr, path string) (*Host, error) {
	cert, pool, err := selfSigned()
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	h, err := startRaw(func(c net.Conn) {
		tc := tls.Server(c, cfg)
		// A client that never finishes the handshake must not hold the
		// handler until Close.
		tc.SetDeadline(time.Now().Add(5 * time.Second))
		if err := tc.Handshake(); err != nil {
			return
		}
		tc.SetDeadline(time.Time{})
		up, err := net.DialTimeout("tcp4", targetAddr, 2*time.Second)
		if err != nil {
			return
		}
		defer up.Close()
		done := make(chan struct{})
		go func() {
			defer close(done)
			io.Copy(up, tc)
			up.Close() // the client is gone: end the other direction too
		}()
		io.Copy(tc, up)
		c.Close() // the upstream is gone (or Close closed c already)
		<-done
	})
	if err != nil {
		return nil, err
	}
	h.certs = pool
	h.URL = "rtmps://" + h.Addr + "/" + strings.TrimLeft(path, "/")
	return h, nil
}
