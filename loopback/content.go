package loopback

import (
	"fmt"
	"net/http"
	"os"

	"clusterplay/localhost"
)

// Good serves files (keys are clip paths such as "clip.mp4" or "a/b/c.mp4")
// under /video/, with Range support; anything else is 404. It serves as
// the demo's localhost.Serve does, on a Host that can also stall, be
// killed and count its requests.
func Good(files map[string][]byte) (*Host, error) {
	open, err := localhost.Files(files)
	if err != nil {
		return nil, err
	}
	return startHTTP(func(*Host) http.Handler { return localhost.ClipHandler(open) }, false)
}

// GoodDir is Good serving the files below dir.
func GoodDir(dir string) (*Host, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("loopback: %s is not a directory", dir)
	}
	return startHTTP(func(*Host) http.Handler { return localhost.ClipHandler(localhost.Dir(os.DirFS(dir))) }, false)
}

// GoodTLS is Good over HTTPS with a fresh self-signed certificate for
// 127.0.0.1 and localhost; trust it with the host's CertPool.
func GoodTLS(files map[string][]byte) (*Host, error) {
	open, err := localhost.Files(files)
	if err != nil {
		return nil, err
	}
	return startHTTP(func(*Host) http.Handler { return localhost.ClipHandler(open) }, true)
}

// Patterned is a file of n bytes in which no short stretch repeats at a
// short distance, so a byte lost, doubled or moved anywhere in hundreds
// of megabytes shows when a relayed copy is compared with it.
func Patterned(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 ^ i>>9 ^ i>>17 ^ i>>25)
	}
	return b
}
