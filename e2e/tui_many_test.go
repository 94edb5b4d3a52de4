package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// manyRefusingHosts writes a config file whose hosts are n refusing URLs
// (paths on one closed loopback port) and then good.
func manyRefusingHosts(t *testing.T, n int, good string) string {
	t.Helper()
	refused := hosttest.Refused(t)
	var b strings.Builder
	b.WriteString("hosts:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - %s/r%d\n", refused, i)
	}
	fmt.Fprintf(&b, "  - %s\n", good)
	path := filepath.Join(t.TempDir(), "many.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTUIWithManyHosts: 2,000 refusing hosts and a good one. The TUI took
// 29 s to show the first frame where a headless run took 0.42 s, and cut
// the # column's indexes from 100 on to "1…". Now the clip's start shows
// within a few seconds (10 s allowed, on shared cores), and the serving
// row reads 2000 whole.
func TestTUIWithManyHosts(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(media))
	config := manyRefusingHosts(t, 2000, good.URL)
	cmd, _ := tuiCommand(t, t.TempDir(), "--no-video", "--config", config, assets.ClipName)
	began := time.Now()
	tm := newTmux(t, 120, 40, cmd)
	screen := tm.waitFor("the clip's start", 10*time.Second, func(s string) bool {
		return strings.Contains(s, "clip started:")
	})
	t.Logf("the start showed %v after the TUI was launched", time.Since(began).Round(time.Millisecond))
	screen = tm.waitFor("the serving row", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "2000 "+good.URL) && strings.Contains(s, "serving")
	})
	if strings.Contains(screen, "1… ") || !strings.Contains(screen, "2001 hosts") {
		t.Errorf("the host table cut its indexes or miscounted the hosts:\n%s", screen)
	}
	tm.run("send-keys", "-t", tm.session, "q")
}
