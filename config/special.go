package config

import (
	"fmt"
	"path/filepath"
	"strings"

	"clusterplay/cluster"
)

// The codecs of the settings that are more than one scalar: the host list,
// raw mpv options, and the state directory, whose file value is resolved
// against the file.

// asHosts is the host list. --host adds one URL per use; the file's hosts
// is a list whose entries are a URL string or an object {host: URL,
// priority: N, weight: N} as in the plugin's RTMP examples, and a single
// string is a list of one. The flag's URLs are checked by checkHostURLs.
var asHosts = &codec[[]cluster.HostSpec]{
	typ: "URL",
	parse: func(arg string, old []cluster.HostSpec) ([]cluster.HostSpec, error) {
		return append(old, cluster.HostSpec{URL: arg}), nil
	},
	read: readHosts,
	show: func([]cluster.HostSpec) string { return "" },
}

// checkHostURLs checks --host's URLs once the command line is parsed, so
// that "--host bad --help" still shows the help.
func checkHostURLs(specs []cluster.HostSpec) error {
	for i, h := range specs {
		if _, err := cluster.ParseHostURL(h.URL); err != nil {
			return fmt.Errorf("host %d: %w", i, err)
		}
	}
	return nil
}

func readHosts(_ *decoder, n *node, src at) ([]cluster.HostSpec, error) {
	items := n.items
	switch n.kind {
	case stringKind:
		items = []*node{n}
	case listKind:
	default:
		return nil, typeError(src, "a list of host URLs", n)
	}
	specs := make([]cluster.HostSpec, 0, len(items))
	for i, item := range items {
		spec, err := hostEntry(item, src.index(item.line, i))
		if err != nil {
			return nil, err
		}
		specs = append(specs, spec)
	}
	return specs, nil
}

// hostKeys are the keys of a host given as an object.
var hostKeys = []string{"host", "priority", "weight"}

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

// asMpv is raw mpv options NAME=VALUE, in order: --mpv adds one per use;
// the file gives a mapping {hwdec: auto} or a list of "NAME=VALUE"
// strings.
var asMpv = &codec[[][2]string]{
	typ: "NAME=VALUE",
	parse: func(arg string, old [][2]string) ([][2]string, error) {
		kv, err := parseMpvOption(arg)
		if err != nil {
			return nil, err
		}
		return append(old, kv), nil
	},
	read: readMpv,
	show: func([][2]string) string { return "" }, // no default to show
}

func readMpv(_ *decoder, n *node, src at) ([][2]string, error) {
	var opts [][2]string
	switch n.kind {
	case mapKind:
		for _, p := range n.pairs {
			v, ok := mpvScalar(p.val)
			name := strings.TrimPrefix(p.key, "--")
			if !ok || name == "" {
				return nil, typeError(src.field(p.line, p.key), "a plain value", p.val)
			}
			opts = append(opts, [2]string{name, v})
		}
	case listKind:
		for i, item := range n.items {
			isrc := src.index(item.line, i)
			if item.kind != stringKind {
				return nil, typeError(isrc, "a \"NAME=VALUE\" string", item)
			}
			kv, err := parseMpvOption(item.str)
			if err != nil {
				return nil, usagef("%s: %v", isrc, err)
			}
			opts = append(opts, kv)
		}
	default:
		return nil, typeError(src, "a mapping of mpv options or a list of \"NAME=VALUE\"", n)
	}
	return opts, nil
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

// parseMpvOption splits NAME=VALUE. A leading "--" is dropped because users
// copy options from mpv's own command line.
func parseMpvOption(s string) ([2]string, error) {
	name, value, ok := strings.Cut(s, "=")
	name = strings.TrimPrefix(strings.TrimSpace(name), "--")
	if !ok || name == "" {
		return [2]string{}, fmt.Errorf("want NAME=VALUE (e.g. hwdec=auto), got %q", s)
	}
	return [2]string{name, value}, nil
}

// mergeMpv merges mpv options by name, as independent switches: base
// entries that top sets again are dropped, then top is appended. The order
// within each list is kept; mpv applies options in order.
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

// asStateDir is a directory, asPath a file (the control socket). In the
// file "~/" is expanded and a relative path is resolved against the file's
// directory, so that the file means the same from any working directory;
// the flag is taken as given, as the shell has done the expanding.
var asStateDir = &codec[string]{
	typ:   asString.typ,
	parse: asString.parse,
	read: func(d *decoder, n *node, src at) (string, error) {
		if n.kind != stringKind || n.str == "" {
			return "", typeError(src, "a directory name", n)
		}
		return d.filePath(n.str), nil
	},
	show: asString.show,
}

var asPath = &codec[string]{
	typ:   asString.typ,
	parse: asString.parse,
	read: func(d *decoder, n *node, src at) (string, error) {
		if n.kind != stringKind || n.str == "" {
			return "", typeError(src, "a file name", n)
		}
		return d.filePath(n.str), nil
	},
	show: asString.show,
}

// asOutputFile is a file to write, or "-" for stdout; in the file it is
// resolved as asStateDir's directory is.
var asOutputFile = &codec[string]{
	typ:   asString.typ,
	parse: asString.parse,
	read: func(d *decoder, n *node, src at) (string, error) {
		if n.kind != stringKind || n.str == "" {
			return "", typeError(src, `a file name or "-"`, n)
		}
		if n.str == "-" {
			return n.str, nil
		}
		return d.filePath(n.str), nil
	},
	show: asString.show,
}

// filePath is a path written in the config file, "~/" expanded and a
// relative path taken from the file's directory.
func (d *decoder) filePath(p string) string {
	if home := d.env("HOME"); home != "" && (p == "~" || strings.HasPrefix(p, "~/")) {
		p = filepath.Join(home, p[1:])
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(d.path), p)
	}
	return p
}

// asFileName is a file named in the config file (the log file), resolved
// as asPath is.
var asFileName = asPath
