// The kernel's socket-to-socket copy and /proc/PID/io are Linux's: this
// file is built there alone (its name ends in _linux_test.go).

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// readSyscallBytes is what process cmd has passed through read calls
// (/proc/PID/io's rchar): a body the kernel carries from socket to socket
// is not in it.
func readSyscallBytes(t *testing.T, cmd *exec.Cmd) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "rchar: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no rchar in /proc/%d/io", cmd.Process.Pid)
	return 0
}

// TestRelayModeCarriesBodiesInTheKernel: `clusterplay relay` moves a large
// file from a loopback host to its client byte for byte, whole and in
// ranges, without passing most of it through its own reads (splice from
// socket to socket); and a host cut deep in such a body is still
// continued from the next host byte for byte.
func TestRelayModeCarriesBodiesInTheKernel(t *testing.T) {
	const size, cut = 64 << 20, 20<<20 + 7
	big := loopback.Patterned(size)
	files := map[string][]byte{"big.bin": big}
	good := hosttest.Keep(t)(loopback.Good(files))
	cmd, url, _ := startRelayMode(t, "--host", good.URL)
	before := readSyscallBytes(t, cmd)
	hosttest.WantBody(t, url+"big.bin", "", big)
	hosttest.WantBody(t, url+"big.bin", "bytes=1000-", big[1000:])
	hosttest.WantBody(t, url+"big.bin", "bytes=30000000-40000000", big[30000000:40000001])
	moved := int64(2*size - 1000 + 10000001)
	if read := readSyscallBytes(t, cmd) - before; read > moved/2 {
		t.Errorf("the relay read %d of the %d bytes it relayed itself: the kernel did not carry them", read, moved)
	}

	bad := hosttest.Keep(t)(loopback.CutAfter(files, cut))
	_, url, evs := startRelayMode(t, "--host", bad.URL, "--host", good.URL)
	hosttest.WantBody(t, url+"big.bin", "", big)
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev := <-evs:
			if ev["event"] != "failover" {
				continue
			}
			if ev["seamless"] != true || ev["class"] != "reset" || ev["offset"] != float64(cut) || ev["to_host"] != good.URL {
				t.Fatalf("failover %v, want seamless, class reset, at offset %d, to %s", ev, cut, good.URL)
			}
			return
		case <-deadline:
			t.Fatal("no failover event")
		}
	}
}
