package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
)

// faultCycle is what the F key sets on the focused host, in turn: its
// connection cut mid-response, a stall, a throttle to half the stream's
// bitrate, 503 for every request, then no fault.
var faultCycle = []string{"cut", "stall", "throttle", "503", ""}

// fallbackRate is the throttle's rate, bytes a second, before the stream's
// bitrate can be told (nothing relayed yet).
const fallbackRate = 64 << 10

// faultAction is the fault plan's action for a fault of the cycle at
// bitrate bytes a second; "" for none.
func faultAction(fault string, bitrate float64) string {
	switch fault {
	case "cut":
		return "reset after 16KB"
	case "stall":
		return "stall after 16KB for 10m"
	case "throttle":
		rate := int64(bitrate / 2)
		if rate <= 0 {
			rate = fallbackRate
		}
		return fmt.Sprintf("throttle %dB/s", rate)
	case "503":
		return "status 503"
	}
	return ""
}

// cycleFault moves the focused host on to the next fault of the cycle;
// its row shows the fault while it is set. The rule covers every request
// to the host (attempts too), as a host that is down fails them all.
func (m *Model) cycleFault() tea.Cmd {
	host := m.hosts.focus
	if host < 0 || host >= m.hosts.len() {
		m.logf(levelWarn, "no host to inject a fault into")
		return nil
	}
	next := faultCycle[0]
	for i, f := range faultCycle {
		if f == m.hosts.faults[host] {
			next = faultCycle[(i+1)%len(faultCycle)]
		}
	}
	if m.hosts.faults == nil {
		m.hosts.faults = map[int]string{}
	}
	action := faultAction(next, m.bitrate())
	if next == "" {
		delete(m.hosts.faults, host)
	} else {
		m.hosts.faults[host] = next
	}
	c := m.ctrl
	msg := fmt.Sprintf("host %d: fault %s (%s)", host, next, action)
	if next == "" {
		msg = fmt.Sprintf("host %d: no fault", host)
	}
	return tell("fault", func() (string, error) { return msg, c.SetHostFault(host, action) })
}

// bitrate is the stream's bytes a second as the relay fed it: what was
// relayed over the media it covers (played and buffered ahead); 0 when
// it cannot be told yet.
func (m *Model) bitrate() float64 {
	var bytes int64
	for i := range m.hosts.len() { // once a key press, not per event
		bytes += m.hosts.row(i).Bytes
	}
	covered := (m.status.Position + m.status.Cache).Seconds()
	if bytes == 0 || covered <= 0 {
		return 0
	}
	return float64(bytes) / covered
}
