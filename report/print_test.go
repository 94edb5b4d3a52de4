package report

import (
	"bytes"
	"strings"
	"testing"

	"clusterplay/events"
)

// TestPlainLinesHintInsecureOncePerHost: the --insecure hint of a
// certificate that does not verify is shown once per host in the plain
// lines, where a host retried pass after pass would repeat it; the JSON
// lines keep every event whole.
func TestPlainLinesHintInsecureOncePerHost(t *testing.T) {
	tlsFail := func(host string) events.Event {
		return events.Event{Kind: events.ConnectFailed, Time: at, Host: host, Class: events.ClassTLS,
			Err: "tls: failed to verify certificate: x509: certificate signed by unknown authority" + events.InsecureHint}
	}
	evs := []events.Event{tlsFail("https://a/v"), tlsFail("https://a/v"), tlsFail("https://b/v"), tlsFail("https://a/v")}
	print := func(f Format) string {
		ch := make(chan events.Event, len(evs))
		for _, ev := range evs {
			ch <- ev
		}
		close(ch)
		var out bytes.Buffer
		done := make(chan struct{})
		Print(ch, &out, f, done, nil, nil)
		return out.String()
	}
	plain := print(Plain)
	if n := strings.Count(plain, "--insecure"); n != 2 {
		t.Errorf("the hint shows %d times, want once for each of the 2 hosts:\n%s", n, plain)
	}
	lines := strings.Split(strings.TrimSpace(plain), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], "--insecure") || strings.Contains(lines[1], "--insecure") ||
		!strings.Contains(lines[2], "https://b/v") || !strings.Contains(lines[2], "--insecure") {
		t.Errorf("plain lines:\n%s", plain)
	}
	if n := strings.Count(print(JSONLines), "--insecure"); n != 4 {
		t.Errorf("the JSON lines carry the hint %d times, want on every event", n)
	}
}
