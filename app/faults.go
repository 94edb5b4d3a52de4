package app

import (
	"clusterplay/events"
	"clusterplay/faults"
)

// startFaults makes the run's fault injector from the --faults plan (an
// empty one without: the socket's inject and the TUI's key add rules)
// and hands it to the engine's attempts; the relay gets it too. The
// rules' time windows run from the first frame, which it learns from the
// bus.
func (a *app) startFaults() {
	a.faults = faults.NewInjector(a.cfg.FaultPlan, nil)
	a.cfg.Cluster.Faults = a.faults
	ch := a.bus.Subscribe()
	go func() {
		for ev := range ch { // until the bus closes
			if ev.Kind == events.Start {
				a.faults.FirstFrame(ev.Time)
			}
		}
	}()
}
