package relay

import (
	"io"
	"net/http"
	"testing"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// BenchmarkThroughput relays a large file from a loopback host: the
// relay's own cost per byte, as bytes/s (go test -bench Throughput).
func BenchmarkThroughput(b *testing.B) {
	big := make([]byte, 200<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	host := hosttest.Keep(b)(loopback.Good(map[string][]byte{"v/big.bin": big}))
	h := startRelay(b, "", host.URL+"/v")
	b.SetBytes(int64(len(big)))
	b.ResetTimer()
	for range b.N {
		resp, err := http.Get(h.relay.URL("big.bin"))
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != int64(len(big)) {
			b.Fatalf("%d bytes, %v", n, err)
		}
	}
}
