package relay

import (
	"io"
	"net/http"
	"testing"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// bigFile is the 200 MB file the throughput benchmarks move.
func bigFile() map[string][]byte {
	big := make([]byte, 200<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	return map[string][]byte{"v/big.bin": big}
}

// BenchmarkThroughput relays a large file from a loopback host: the
// relay's own cost per byte, as bytes/s (go test -bench Throughput).
// BenchmarkUpstream is the same host read directly, the ceiling the
// relay is held to on this machine.
func BenchmarkThroughput(b *testing.B) {
	files := bigFile()
	host := hosttest.Keep(b)(loopback.Good(files))
	h := startRelay(b, "", host.URL+"/v")
	readAll(b, h.relay.URL("big.bin"), int64(len(files["v/big.bin"])))
}

func BenchmarkUpstream(b *testing.B) {
	files := bigFile()
	host := hosttest.Keep(b)(loopback.Good(files))
	readAll(b, host.URL+"/v/big.bin", int64(len(files["v/big.bin"])))
}

func readAll(b *testing.B, url string, size int64) {
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		resp, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != size {
			b.Fatalf("%d bytes, %v", n, err)
		}
	}
}
