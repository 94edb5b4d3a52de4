package steering

import (
	"bytes"
	"context"
	"io"
	"os"
	"time"

	"clusterplay/clock"
)

// OverridePoll is how often an override file is looked at: a change is
// applied within a second.
const OverridePoll = 250 * time.Millisecond

// ReadOverride reads a local steering manifest (--steering-override).
func ReadOverride(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxManifest+1))
}

// WatchOverride calls changed with the file's bytes (or the error reading
// it) at once and then each time they change, until ctx ends.
func WatchOverride(ctx context.Context, c clock.Clock, path string, changed func([]byte, error)) {
	c = clock.Or(c)
	var last []byte
	var lastErr string
	first := true
	for {
		b, err := ReadOverride(path)
		errText := ""
		if err != nil {
			errText = err.Error()
		}
		if first || errText != lastErr || !bytes.Equal(b, last) {
			changed(b, err)
			last, lastErr, first = b, errText, false
		}
		if c.Sleep(ctx, OverridePoll) != nil {
			return
		}
	}
}
