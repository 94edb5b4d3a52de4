package loopback

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/bluenviron/gortmplib/pkg/amf0"
)

// Hostile hosts put text of their choosing where a client shows it: an
// RTMP error's description, a certificate's names, a redirect's Location.
// Terminal escapes there (OSC 52 setting the clipboard, a title, a clear
// screen), C1 bytes and bidi overrides must reach the user as harmless
// text; these hosts are how the tests prove it.

// HostileText is the sample a hostile host sends when the test has no
// text of its own: an OSC 52 clipboard write, a window title, a clear
// screen, a right-to-left override, C1 NEL and a stray 8-bit CSI.
const HostileText = "pwned\x1b]52;c;aGFja2Vk\x07\x1b]0;owned\x07\x1b[2J\u202eevil\u0085\x9b31m"

// HostileRTMP completes the handshake and rejects connect with an _error
// whose description is text, as a server under someone else's control may.
func HostileRTMP(text string) (*Host, error) {
	return startRTMP(func(c net.Conn) {
		rejectConnect(c, amf0.Object{
			{Key: "level", Value: "error"},
			{Key: "code", Value: "NetConnection.Connect.Rejected"},
			{Key: "description", Value: text},
		})
	})
}

// HostileTLS completes TLS handshakes with a self-signed certificate for
// dnsNames and commonName (no IP address), then closes: its URL,
// https://localhost:PORT/video, names a host the certificate is not for,
// so a client's verification error lists the names. A certificate's DNS
// names can hold any ASCII byte, ESC and BEL included; the common name
// any text.
func HostileTLS(dnsNames []string, commonName string) (*Host, error) {
	cert, pool, err := selfSignedFor(certNames{CommonName: commonName, DNSNames: dnsNames})
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}}
	h, err := startRaw(func(c net.Conn) {
		tc := tls.Server(c, cfg)
		tc.SetDeadline(time.Now().Add(5 * time.Second))
		if tc.Handshake() == nil {
			drain(tc, linger) // the client hangs up once it has judged the names
		}
	})
	if err != nil {
		return nil, err
	}
	h.certs = pool
	_, port, _ := net.SplitHostPort(h.Addr)
	h.URL = "https://localhost:" + port + basePath
	return h, nil
}

// RedirectTo answers every request with a 302 whose Location is location,
// byte for byte: written on the connection by hand, so that nothing on
// the way cleans up what a hostile server would send.
func RedirectTo(location string) (*Host, error) {
	if strings.ContainsAny(location, "\r\n") {
		return nil, fmt.Errorf("loopback: a Location %q would end the header", location)
	}
	return startRaw(func(c net.Conn) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		r := bufio.NewReader(c)
		for {
			req, err := http.ReadRequest(r)
			if err != nil {
				return
			}
			req.Body.Close()
			_, err = fmt.Fprintf(c, "HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n", location)
			if err != nil {
				return
			}
		}
	})
}
