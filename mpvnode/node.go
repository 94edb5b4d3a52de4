// Package mpvnode holds mpv's node values (mpv_node of its client API) in
// Go, and reads and writes them in the JSON dialect of mpv's IPC. The
// control socket parses requests and writes replies with it; the player's
// binding turns the same values into C nodes and back. It is a leaf: it
// imports nothing of clusterplay's, so both may use it.
//
// A node is one of:
//
//	nil      MPV_FORMAT_NONE (JSON null)
//	bool     MPV_FORMAT_FLAG
//	int64    MPV_FORMAT_INT64 (a JSON number without fraction or exponent)
//	float64  MPV_FORMAT_DOUBLE
//	string   MPV_FORMAT_STRING
//	[]any    MPV_FORMAT_NODE_ARRAY
//	Map      MPV_FORMAT_NODE_MAP, its keys in order
//
// mpv tells integers from doubles, and keeps a map's keys in the order
// they came, so Go's encoding/json (float64, unordered maps) will not do.
package mpvnode

import "fmt"

// Map is an mpv node map: its entries in order. A key may repeat, as in
// mpv; Get finds the first, as mpv's node_map_get does.
type Map []Entry

// Entry is one key and value of a Map.
type Entry struct {
	Key   string
	Value any
}

// Get returns the value of the first entry named key.
func (m Map) Get(key string) (any, bool) {
	for _, e := range m {
		if e.Key == key {
			return e.Value, true
		}
	}
	return nil, false
}

// String returns the value of key when it is a string.
func (m Map) String(key string) (string, bool) {
	v, _ := m.Get(key)
	s, ok := v.(string)
	return s, ok
}

// Valid reports whether v is made of node values alone (see the package
// comment), so that it can become a C node.
func Valid(v any) error {
	switch v := v.(type) {
	case nil, bool, int64, float64, string:
		return nil
	case []any:
		for _, e := range v {
			if err := Valid(e); err != nil {
				return err
			}
		}
		return nil
	case Map:
		for _, e := range v {
			if err := Valid(e.Value); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("mpvnode: %T is not a node value", v)
}
