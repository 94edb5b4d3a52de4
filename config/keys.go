package config

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"clusterplay/cluster"
)

// The one mapping from file keys to settings, shared by YAML and JSON.

// at locates a value in the file for messages: "config.yaml:5: hosts[1]".
type at struct {
	file string
	line int
	key  string // path from the top: "plugins.cluster.hosts"
}

func (a at) String() string { return fmt.Sprintf("%s:%d: %s", a.file, a.line, a.key) }

// field is the location of key k inside the mapping at a.
func (a at) field(line int, k string) at {
	if a.key != "" {
		k = a.key + "." + k
	}
	return at{a.file, line, k}
}

// index is the location of item i of the list at a.
func (a at) index(line, i int) at { return at{a.file, line, fmt.Sprintf("%s[%d]", a.key, i)} }

// keyFunc reads the value n of the key at src into s.
type keyFunc func(d *decoder, s *settings, n *node, src at) error

// clusterKeys are the keys allowed at the top level, in a pasted plugin
// block and in a named cluster.
var clusterKeys = map[string]keyFunc{
	// Flowplayer Cluster plugin 3.2.x
	"hosts":            hostsKey,
	"connectTimeout":   durationKey(func(s *settings) *opt[time.Duration] { return &s.connectTimeout }, false, positive),
	"connectCount":     intKey(func(s *settings) *opt[int] { return &s.connectCount }, atLeastOne),
	"failureExpiry":    durationKey(func(s *settings) *opt[time.Duration] { return &s.failureExpiry }, false, nonNegative),
	"loadBalance":      boolKey(func(s *settings) *opt[bool] { return &s.loadBalance }),
	"netConnectionUrl": stringKey(func(s *settings) *opt[string] { return &s.netConnectionURL }),
	// clusterplay's own
	"stateDir":     stateDirKey,
	"insecure":     boolKey(func(s *settings) *opt[bool] { return &s.insecure }),
	"select":       enumKey(func(s *settings) *opt[string] { return &s.selectPolicy }, selectPolicies),
	"raceDelay":    durationKey(func(s *settings) *opt[time.Duration] { return &s.raceDelay }, true, nonNegative),
	"maxInflight":  intKey(func(s *settings) *opt[int] { return &s.maxInflight }, atLeastOne),
	"stallTimeout": durationKey(func(s *settings) *opt[time.Duration] { return &s.stallTimeout }, false, positive),
	"noVideo":      boolKey(func(s *settings) *opt[bool] { return &s.noVideo }),
	"vo":           stringKey(func(s *settings) *opt[string] { return &s.vo }),
	"ao":           stringKey(func(s *settings) *opt[string] { return &s.ao }),
	"volume":       volumeKey,
	"start":        durationKey(func(s *settings) *opt[time.Duration] { return &s.start }, false, nonNegative),
	"fullscreen":   boolKey(func(s *settings) *opt[bool] { return &s.fullscreen }),
	"mpvConfig":    boolKey(func(s *settings) *opt[bool] { return &s.mpvConfig }),
	"mpv":          mpvKey,
}

// flowplayerIgnored are keys of a pasted Flowplayer block that mean
// nothing here (the SWF, RTMP connection details): noticed, not fatal.
var flowplayerIgnored = map[string]bool{"url": true, "connectionArgs": true, "serverType": true}

// hostKeys are the keys of a host given as an object.
var hostKeys = []string{"host", "priority", "weight"}

func typeError(src at, want string, n *node) error {
	return usagef("%s: want %s, got %s", src, want, n.describe())
}

func durationKey(field func(*settings) *opt[time.Duration], allowOff bool, check func(time.Duration) error) keyFunc {
	return func(d *decoder, s *settings, n *node, src at) error {
		var v time.Duration
		var err error
		switch n.kind {
		case numberKind: // milliseconds, as in Flowplayer configs
			v, err = millis(n.num)
		case stringKind:
			v, err = parseDuration(n.str, allowOff)
		default:
			return typeError(src, "a duration (e.g. 2000 or \"2s\")", n)
		}
		if err == nil {
			err = check(v)
		}
		if err != nil {
			return usagef("%s: %v", src, err)
		}
		field(s).put(v, src.String())
		return nil
	}
}

// wholeNumber reads an integer; strings are refused so that a quoted
// "3" in JSON is caught as the type mistake it usually is.
func wholeNumber(n *node, src at) (int, error) {
	if n.kind != numberKind || n.num != math.Trunc(n.num) || math.Abs(n.num) > math.MaxInt32 {
		return 0, typeError(src, "a whole number", n)
	}
	return int(n.num), nil
}

func intKey(field func(*settings) *opt[int], check func(int) error) keyFunc {
	return func(d *decoder, s *settings, n *node, src at) error {
		v, err := wholeNumber(n, src)
		if err != nil {
			return err
		}
		if err := check(v); err != nil {
			return usagef("%s: %v", src, err)
		}
		field(s).put(v, src.String())
		return nil
	}
}

func boolKey(field func(*settings) *opt[bool]) keyFunc {
	return func(d *decoder, s *settings, n *node, src at) error {
		if n.kind != boolKind {
			return typeError(src, "true or false", n)
		}
		field(s).put(n.b, src.String())
		return nil
	}
}

func stringKey(field func(*settings) *opt[string]) keyFunc {
	return func(d *decoder, s *settings, n *node, src at) error {
		if n.kind != stringKind {
			return typeError(src, "a string", n)
		}
		field(s).put(n.str, src.String())
		return nil
	}
}

func enumKey(field func(*settings) *opt[string], allowed []string) keyFunc {
	return func(d *decoder, s *settings, n *node, src at) error {
		if n.kind != stringKind {
			return typeError(src, "one of "+strings.Join(allowed, ", "), n)
		}
		v, err := oneOf(n.str, allowed)
		if err != nil {
			return usagef("%s: %v", src, err)
		}
		field(s).put(v, src.String())
		return nil
	}
}

func volumeKey(d *decoder, s *settings, n *node, src at) error {
	if n.kind != numberKind {
		return typeError(src, "a number", n)
	}
	if err := volumeRange(n.num); err != nil {
		return usagef("%s: %v", src, err)
	}
	s.volume.put(n.num, src.String())
	return nil
}

// stateDirKey expands "~/" and resolves a relative path against the config
// file's directory, so the file means the same from any working directory.
func stateDirKey(d *decoder, s *settings, n *node, src at) error {
	if n.kind != stringKind || n.str == "" {
		return typeError(src, "a directory name", n)
	}
	dir := n.str
	if home := d.env("HOME"); home != "" && (dir == "~" || strings.HasPrefix(dir, "~/")) {
		dir = filepath.Join(home, dir[1:])
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(filepath.Dir(d.path), dir)
	}
	s.stateDir.put(dir, src.String())
	return nil
}

// hostsKey reads the host list: each entry a URL string, or an object
// {host: URL, priority: N, weight: N} as in the plugin's RTMP examples.
// A single string is taken as a list of one.
func hostsKey(d *decoder, s *settings, n *node, src at) error {
	items := n.items
	switch n.kind {
	case stringKind:
		items = []*node{n}
	case listKind:
	default:
		return typeError(src, "a list of host URLs", n)
	}
	specs := make([]cluster.HostSpec, 0, len(items))
	for i, item := range items {
		isrc := src.index(item.line, i)
		spec, err := hostEntry(item, isrc)
		if err != nil {
			return err
		}
		specs = append(specs, spec)
	}
	s.hosts.put(specs, src.String())
	return nil
}

func hostEntry(n *node, src at) (cluster.HostSpec, error) {
	var spec cluster.HostSpec
	switch n.kind {
	case stringKind:
		spec.URL = n.str
	case mapKind:
		for _, p := range n.pairs {
			psrc := src.field(p.line, p.key)
			var err error
			switch p.key {
			case "host":
				if p.val.kind != stringKind {
					return spec, typeError(psrc, "a host URL", p.val)
				}
				spec.URL = p.val.str
			case "priority":
				spec.Priority, err = wholeNumber(p.val, psrc)
			case "weight":
				if spec.Weight, err = wholeNumber(p.val, psrc); err == nil && spec.Weight < 0 {
					err = usagef("%s: %v", psrc, nonNegativeInt(spec.Weight))
				}
			default:
				return spec, unknownKey(psrc, p.key, hostKeys)
			}
			if err != nil {
				return spec, err
			}
		}
		if spec.URL == "" {
			return spec, usagef("%s: a host object needs a host key with the URL", src)
		}
	default:
		return spec, typeError(src, "a host URL or {host: URL, priority: N, weight: N}", n)
	}
	if _, err := cluster.ParseHostURL(spec.URL); err != nil {
		return spec, usagef("%s: %v", src, err)
	}
	return spec, nil
}

// mpvKey reads raw mpv options: a mapping {hwdec: auto} or a list of
// "NAME=VALUE" strings, order kept either way.
func mpvKey(d *decoder, s *settings, n *node, src at) error {
	var opts [][2]string
	switch n.kind {
	case mapKind:
		for _, p := range n.pairs {
			v, ok := mpvScalar(p.val)
			name := strings.TrimPrefix(p.key, "--")
			if !ok || name == "" {
				return typeError(src.field(p.line, p.key), "a plain value", p.val)
			}
			opts = append(opts, [2]string{name, v})
		}
	case listKind:
		for i, item := range n.items {
			isrc := src.index(item.line, i)
			if item.kind != stringKind {
				return typeError(isrc, "a \"NAME=VALUE\" string", item)
			}
			kv, err := parseMpvOption(item.str)
			if err != nil {
				return usagef("%s: %v", isrc, err)
			}
			opts = append(opts, kv)
		}
	default:
		return typeError(src, "a mapping of mpv options or a list of \"NAME=VALUE\"", n)
	}
	s.mpv.put(opts, src.String())
	return nil
}

// mpvScalar renders a value for mpv's command line; booleans become mpv's
// yes/no.
func mpvScalar(n *node) (string, bool) {
	switch n.kind {
	case stringKind, numberKind:
		return n.str, true
	case boolKind:
		if n.b {
			return "yes", true
		}
		return "no", true
	}
	return "", false
}

// unknownKey reports the key at src (whose last part is key), suggesting
// the closest known one for typos and wrong case ("conectTimeout").
func unknownKey(src at, key string, known []string) error {
	best, bestDist := "", 3
	for _, k := range known {
		dist := editDistance(strings.ToLower(key), strings.ToLower(k))
		if dist < bestDist {
			best, bestDist = k, dist
		}
	}
	msg := fmt.Sprintf("%s:%d: unknown key %q", src.file, src.line, src.key)
	if best != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
	}
	return &UsageError{Msg: msg}
}

func knownClusterKeys() []string {
	keys := make([]string, 0, len(clusterKeys)+len(flowplayerIgnored))
	for k := range clusterKeys {
		keys = append(keys, k)
	}
	for k := range flowplayerIgnored {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// editDistance is Levenshtein's, on bytes; keys are ASCII.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
