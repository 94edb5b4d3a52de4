// Package demo runs the original Cluster plugin page's demos on this
// machine, with no network: local hosts on loopback, some failing on
// purpose, serving the clip embedded in the binary. The hosts are package
// localhost's, the few the demos need: the tests' fault kit (loopback)
// stays out of the shipped binary.
package demo

import (
	"errors"
	"fmt"

	"clusterplay/assets"
	"clusterplay/cluster"
	"clusterplay/localhost"
)

// Names of the demos, as --demo takes them.
const (
	Failover = "failover" // three hosts, the first two failing: the plugin page's first demo
	Balance  = "balance"  // two working hosts, load balanced: its second demo
)

// Demo is a running demo cluster.
type Demo struct {
	Name   string
	Hosts  []cluster.HostSpec
	Clip   string
	Notice string // what the demo shows, for the event panel
	hosts  []*localhost.Host
}

// Start starts the hosts of the named demo.
func Start(name string) (*Demo, error) {
	clips, err := localhost.Files(map[string][]byte{assets.ClipName: assets.Clip})
	if err != nil {
		return nil, err
	}
	d := &Demo{Name: name, Clip: assets.ClipName}
	switch name {
	case Failover:
		refused, err := localhost.Refused()
		if err != nil {
			return nil, err
		}
		hang, err := d.keep(localhost.Hang())
		if err == nil {
			var good *localhost.Host
			good, err = d.keep(localhost.Serve(clips))
			if err == nil {
				d.Hosts = []cluster.HostSpec{{URL: refused}, {URL: hang.URL}, {URL: good.URL}}
			}
		}
		d.Notice = "demo: host 0 refuses, host 1 hangs until the connect timeout, host 2 serves the clip"
		if err != nil {
			d.Close()
			return nil, err
		}
	case Balance:
		for range 2 {
			h, err := d.keep(localhost.Serve(clips))
			if err != nil {
				d.Close()
				return nil, err
			}
			d.Hosts = append(d.Hosts, cluster.HostSpec{URL: h.URL})
		}
		d.Notice = "demo: two working hosts, load balanced (press l to turn it off, r to resolve again)"
	default:
		return nil, fmt.Errorf("unknown demo %q (want %s or %s)", name, Failover, Balance)
	}
	return d, nil
}

// Apply sets the options the demo needs: the failover demo shows the
// original's one-at-a-time sequence, so the hanging host is seen to cost
// the connect timeout; the balance demo turns load balancing on.
func (d *Demo) Apply(o *cluster.Options) {
	switch d.Name {
	case Failover:
		o.RaceDelay = 0
	case Balance:
		o.LoadBalance = true
		o.Select = cluster.PolicyRandom
	}
}

func (d *Demo) keep(h *localhost.Host, err error) (*localhost.Host, error) {
	if err != nil {
		return nil, err
	}
	d.hosts = append(d.hosts, h)
	return h, nil
}

// Close stops the demo's hosts.
func (d *Demo) Close() error {
	var errs []error
	for _, h := range d.hosts {
		errs = append(errs, h.Close())
	}
	d.hosts = nil
	return errors.Join(errs...)
}
