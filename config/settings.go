package config

import (
	"time"

	"clusterplay/cluster"
)

// opt is one setting as given by one source. set tells whether the source
// named it at all, so that a layer overrides only what it actually sets;
// src says where it came from ("--connect-timeout" or
// "config.yaml:5: connectTimeout") for messages about the merged result.
type opt[T any] struct {
	v   T
	set bool
	src string
}

func (o *opt[T]) put(v T, src string) { *o = opt[T]{v: v, set: true, src: src} }

// over replaces o with p when p was given.
func (o *opt[T]) over(p opt[T]) {
	if p.set {
		*o = p
	}
}

// or returns the value, or def when the setting was not given.
func (o opt[T]) or(def T) T {
	if o.set {
		return o.v
	}
	return def
}

// settings is one layer of configuration: the command line, the file's top
// level, or one named cluster of the file. Flags and file keys both land
// here, so merging and final validation exist once.
type settings struct {
	hosts            opt[[]cluster.HostSpec]
	connectTimeout   opt[time.Duration]
	connectCount     opt[int]
	failureExpiry    opt[time.Duration]
	loadBalance      opt[bool]
	netConnectionURL opt[string]
	stateDir         opt[string]
	insecure         opt[bool]
	selectPolicy     opt[string]
	raceDelay        opt[time.Duration]
	maxInflight      opt[int]
	stallTimeout     opt[time.Duration]
	noVideo          opt[bool]
	vo               opt[string]
	ao               opt[string]
	volume           opt[float64]
	start            opt[time.Duration]
	fullscreen       opt[bool]
	mpvConfig        opt[bool]
	mpv              opt[[][2]string]

	notices []string // notices raised while reading this layer
}

// overlay puts the settings that t gives on top of s. Hosts are replaced as
// a whole (so --host replaces the file's list); mpv options are merged by
// name, t's value winning, because they are independent switches.
func (s *settings) overlay(t *settings) {
	s.hosts.over(t.hosts)
	s.connectTimeout.over(t.connectTimeout)
	s.connectCount.over(t.connectCount)
	s.failureExpiry.over(t.failureExpiry)
	s.loadBalance.over(t.loadBalance)
	s.netConnectionURL.over(t.netConnectionURL)
	s.stateDir.over(t.stateDir)
	s.insecure.over(t.insecure)
	s.selectPolicy.over(t.selectPolicy)
	s.raceDelay.over(t.raceDelay)
	s.maxInflight.over(t.maxInflight)
	s.stallTimeout.over(t.stallTimeout)
	s.noVideo.over(t.noVideo)
	s.vo.over(t.vo)
	s.ao.over(t.ao)
	s.volume.over(t.volume)
	s.start.over(t.start)
	s.fullscreen.over(t.fullscreen)
	s.mpvConfig.over(t.mpvConfig)
	if t.mpv.set {
		s.mpv.put(mergeMpv(s.mpv.v, t.mpv.v), t.mpv.src)
	}
	s.notices = append(s.notices[:len(s.notices):len(s.notices)], t.notices...)
}

// mergeMpv drops base entries that top sets again, then appends top. The
// order within each list is kept; mpv applies options in order.
func mergeMpv(base, top [][2]string) [][2]string {
	again := make(map[string]bool, len(top))
	for _, kv := range top {
		again[kv[0]] = true
	}
	out := make([][2]string, 0, len(base)+len(top))
	for _, kv := range base {
		if !again[kv[0]] {
			out = append(out, kv)
		}
	}
	return append(out, top...)
}
