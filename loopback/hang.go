package loopback

import (
	"errors"

	"clusterplay/localhost"
)

// Hang returns a host that neither accepts nor refuses: dials to it time
// out, like a firewalled or overloaded origin, which is the slowest failure
// the engine's connect timeout must cut short. Its socket is the demo's
// (localhost.HangSocket tells how it is made); where the platform cannot
// make one, Hang returns a Silent host instead: it connects, then never
// answers.
func Hang() (*Host, error) {
	addr, teardown, err := localhost.HangSocket()
	if errors.Is(err, localhost.ErrUnsupported) {
		return Silent()
	}
	if err != nil {
		return nil, err
	}
	h := newHost()
	h.Addr = addr
	h.URL = "http://" + addr + basePath
	h.teardown = teardown
	return h, nil
}
