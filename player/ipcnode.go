package player

// mpv_node <-> Go, for the IPC binding (ipc.go): a node the binding hands
// to libmpv is built in C memory here and freed by freeBuiltNode; a node
// libmpv hands back is copied into Go values and then freed by libmpv's
// mpv_free_node_contents (ipc.go). The Go side is package mpvnode's: nil,
// bool, int64, float64, string, []any and mpvnode.Map.

/*
#include <stdlib.h>
#include <string.h>
#include <mpv/client.h>

static mpv_node *cpi_new_nodes(int n) { return calloc(n > 0 ? n : 1, sizeof(mpv_node)); }

// cpi_set_list makes dst an array or map of n nodes, all MPV_FORMAT_NONE.
static int cpi_set_list(mpv_node *dst, int format, int n) {
	mpv_node_list *l = calloc(1, sizeof *l);
	if (l == NULL) return -1;
	l->values = cpi_new_nodes(n);
	if (format == MPV_FORMAT_NODE_MAP) l->keys = calloc(n > 0 ? n : 1, sizeof(char *));
	if (l->values == NULL || (format == MPV_FORMAT_NODE_MAP && l->keys == NULL)) {
		free(l->values);
		free(l->keys);
		free(l);
		return -1;
	}
	l->num = n;
	dst->format = format;
	dst->u.list = l;
	return 0;
}
static mpv_node *cpi_at(mpv_node *n, int i) { return &n->u.list->values[i]; }
static void cpi_set_key(mpv_node *n, int i, char *key) { n->u.list->keys[i] = key; }
static void cpi_set_string(mpv_node *n, char *s) { n->format = MPV_FORMAT_STRING; n->u.string = s; }
static void cpi_set_flag(mpv_node *n, int v) { n->format = MPV_FORMAT_FLAG; n->u.flag = v; }
static void cpi_set_int64(mpv_node *n, int64_t v) { n->format = MPV_FORMAT_INT64; n->u.int64 = v; }
static void cpi_set_double(mpv_node *n, double v) { n->format = MPV_FORMAT_DOUBLE; n->u.double_ = v; }

// cpi_free_built frees what the setters above allocated below n (not n).
static void cpi_free_built(mpv_node *n) {
	switch (n->format) {
	case MPV_FORMAT_STRING:
		free(n->u.string);
		break;
	case MPV_FORMAT_NODE_ARRAY:
	case MPV_FORMAT_NODE_MAP: {
		mpv_node_list *l = n->u.list;
		for (int i = 0; i < l->num; i++) {
			cpi_free_built(&l->values[i]);
			if (l->keys != NULL) free(l->keys[i]);
		}
		free(l->values);
		free(l->keys);
		free(l);
		break;
	}
	}
	n->format = MPV_FORMAT_NONE;
}

// Readers, so Go never reads the union itself.
static int cpi_format(const mpv_node *n) { return n->format; }
static const char *cpi_string(const mpv_node *n) { return n->u.string; }
static int cpi_flag(const mpv_node *n) { return n->u.flag; }
static int64_t cpi_int64(const mpv_node *n) { return n->u.int64; }
static double cpi_double(const mpv_node *n) { return n->u.double_; }
static int cpi_len(const mpv_node *n) { return n->u.list == NULL ? 0 : n->u.list->num; }
static mpv_node *cpi_item(const mpv_node *n, int i) { return &n->u.list->values[i]; }
static const char *cpi_key(const mpv_node *n, int i) {
	return n->u.list->keys == NULL ? "" : n->u.list->keys[i];
}
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"

	"clusterplay/mpvnode"
)

// cNode is a node built in C memory for one call into libmpv.
type cNode struct{ n *C.mpv_node }

// newCNode builds v (node values alone) in C memory; free releases it.
func newCNode(v any) (cNode, error) {
	if err := mpvnode.Valid(v); err != nil {
		return cNode{}, fmt.Errorf("%v: %w", err, ErrInvalidParameter)
	}
	n := C.cpi_new_nodes(1)
	if n == nil {
		return cNode{}, ErrNoMem
	}
	if err := fillCNode(n, v); err != nil {
		C.cpi_free_built(n)
		C.free(unsafe.Pointer(n))
		return cNode{}, err
	}
	return cNode{n: n}, nil
}

func (c cNode) free() {
	if c.n != nil {
		C.cpi_free_built(c.n)
		C.free(unsafe.Pointer(c.n))
	}
}

// cString copies s for C. mpv's strings end at a NUL, as they do when
// mpv's own IPC reads "\u0000" from a request.
func cString(s string) *C.char {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return C.CString(s)
}

func fillCNode(dst *C.mpv_node, v any) error {
	switch v := v.(type) {
	case nil:
		dst.format = C.MPV_FORMAT_NONE
	case bool:
		flag := C.int(0)
		if v {
			flag = 1
		}
		C.cpi_set_flag(dst, flag)
	case int64:
		C.cpi_set_int64(dst, C.int64_t(v))
	case float64:
		C.cpi_set_double(dst, C.double(v))
	case string:
		C.cpi_set_string(dst, cString(v))
	case []any:
		if C.cpi_set_list(dst, C.MPV_FORMAT_NODE_ARRAY, C.int(len(v))) < 0 {
			return ErrNoMem
		}
		for i, e := range v {
			if err := fillCNode(C.cpi_at(dst, C.int(i)), e); err != nil {
				return err
			}
		}
	case mpvnode.Map:
		if C.cpi_set_list(dst, C.MPV_FORMAT_NODE_MAP, C.int(len(v))) < 0 {
			return ErrNoMem
		}
		for i, e := range v {
			C.cpi_set_key(dst, C.int(i), cString(e.Key))
			if err := fillCNode(C.cpi_at(dst, C.int(i)), e.Value); err != nil {
				return err
			}
		}
	}
	return nil
}

// goNode copies a node libmpv made into Go values. A byte array, which
// mpv's own IPC cannot write either, becomes nil.
func goNode(n *C.mpv_node) any {
	switch C.cpi_format(n) {
	case C.MPV_FORMAT_STRING, C.MPV_FORMAT_OSD_STRING:
		return C.GoString(C.cpi_string(n))
	case C.MPV_FORMAT_FLAG:
		return C.cpi_flag(n) != 0
	case C.MPV_FORMAT_INT64:
		return int64(C.cpi_int64(n))
	case C.MPV_FORMAT_DOUBLE:
		return float64(C.cpi_double(n))
	case C.MPV_FORMAT_NODE_ARRAY:
		out := make([]any, int(C.cpi_len(n)))
		for i := range out {
			out[i] = goNode(C.cpi_item(n, C.int(i)))
		}
		return out
	case C.MPV_FORMAT_NODE_MAP:
		out := make(mpvnode.Map, int(C.cpi_len(n)))
		for i := range out {
			out[i] = mpvnode.Entry{Key: C.GoString(C.cpi_key(n, C.int(i))), Value: goNode(C.cpi_item(n, C.int(i)))}
		}
		return out
	}
	return nil
}

// roundTripNode builds v in C and copies it back: the conversion both
// ways, for the tests, without libmpv.
func roundTripNode(v any) (any, error) {
	c, err := newCNode(v)
	if err != nil {
		return nil, err
	}
	defer c.free()
	return goNode(c.n), nil
}
