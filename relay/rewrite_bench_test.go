package relay

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"clusterplay/cluster"
)

// BenchmarkRewriteManyHosts: a manifest's rewrite costs one pass over the
// body whatever the host count. 10,000 hosts and a 6.5 MB playlist took
// 25 s of CPU per request when each URL was compared with every host;
// it prints the time of one rewrite, building the host index included.
func BenchmarkRewriteManyHosts(b *testing.B) {
	specs := make([]cluster.HostSpec, 10000)
	for i := range specs {
		specs[i] = cluster.HostSpec{URL: fmt.Sprintf("http://10.%d.%d.%d:8080/media/v%d", i/65536, i/256%256, i%256, i)}
	}
	hosts, err := cluster.NewHosts(specs)
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(manyHostsPlaylist(6500 << 10))
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for range b.N {
		began := time.Now()
		out := newRewriter(hosts, "http://127.0.0.1:9999/tok/").rewrite(body)
		if len(out) == 0 {
			b.Fatal("nothing came out")
		}
		b.Logf("10,000 hosts, %.1f MB playlist: one rewrite in %v", float64(len(body))/1e6, time.Since(began))
	}
}

// manyHostsPlaylist is an HLS media playlist of about size bytes whose
// segments name hosts of the benchmark's cluster, and some outside it.
func manyHostsPlaylist(size int) string {
	var sb strings.Builder
	sb.WriteString("#EXTM3U\n#EXT-X-TARGETDURATION:4\n")
	for i := 0; sb.Len() < size; i++ {
		h := i % 10000
		if i%3 == 0 {
			fmt.Fprintf(&sb, "#EXTINF:4.0,\nhttps://elsewhere.example/seg/%d.ts\n", i)
			continue
		}
		fmt.Fprintf(&sb, "#EXTINF:4.0,\nhttp://10.%d.%d.%d:8080/media/v%d/seg/%d.ts\n", h/65536, h/256%256, h%256, h, i)
	}
	sb.WriteString("#EXT-X-ENDLIST\n")
	return sb.String()
}
