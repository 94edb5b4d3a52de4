package config

import (
	"fmt"
	"sort"
	"strings"
)

// File keys: where a value is, which setting a key names, and what to say
// about a key that names none. Shared by YAML and JSON.

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

// keyed finds the setting of a file key; the same keys are allowed at the
// top level, in a pasted plugin block and in a named cluster.
func keyed(key string) (entry, bool) {
	for _, e := range table {
		_, k := e.names()
		_, alias := e.aliases()
		if k == key || alias == key && alias != "" {
			return e, true
		}
	}
	return nil, false
}

// fileKeys are the keys of the settings, in table order.
func fileKeys() []string {
	var keys []string
	for _, e := range table {
		if _, k := e.names(); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

// flowplayerIgnored are keys of a pasted Flowplayer block that mean
// nothing here (the SWF, RTMP connection details): noticed, not fatal.
var flowplayerIgnored = map[string]bool{"url": true, "connectionArgs": true, "serverType": true}

// unknownKey reports the key at src (whose last part is key), suggesting
// the closest known one for typos and wrong case ("conectTimeout").
func unknownKey(src at, key string, known []string) error {
	best, bestDist := "", 3
	lower := strings.ToLower(key)
	for _, k := range known {
		// The distance is at least the difference in length: skipping
		// what cannot be near keeps a megabyte-long key from costing a
		// second.
		if abs(len(lower)-len(k)) >= bestDist {
			continue
		}
		dist := editDistance(lower, strings.ToLower(k))
		if dist < bestDist {
			best, bestDist = k, dist
		}
	}
	msg := fmt.Sprintf("%s:%d: unknown key %q", src.file, src.line, src.key)
	if best != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
	}
	return usagef("%s", msg)
}

func knownClusterKeys() []string {
	keys := fileKeys()
	for _, e := range table {
		if _, alias := e.aliases(); alias != "" {
			keys = append(keys, alias)
		}
	}
	for k := range flowplayerIgnored {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
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
