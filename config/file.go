package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// fileConfig is a decoded config file: the top-level settings (including a
// pasted plugin block) and the named clusters that --cluster picks from.
type fileConfig struct {
	path  string
	top   layer
	named map[string]*layer
	names []string // in file order, for messages
}

// decoder carries what key functions need beyond the value.
type decoder struct {
	path string
	env  func(string) string
}

// xdgDir returns $name, or $HOME/fallback when $name is unset; relative
// values are ignored as the XDG spec asks. "" when neither is usable.
func xdgDir(env func(string) string, name, fallback string) string {
	if dir := env(name); dir != "" && filepath.IsAbs(dir) {
		return dir
	}
	if home := env("HOME"); home != "" {
		return filepath.Join(home, fallback)
	}
	return ""
}

func defaultConfigPath(env func(string) string) string {
	dir := xdgDir(env, "XDG_CONFIG_HOME", ".config")
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "clusterplay", "config.yaml")
}

// loadFile reads and decodes the config file. A missing default file is
// no file (nil, nil); a missing --config file is an error.
func loadFile(path string, explicit bool, env func(string) string) (*fileConfig, error) {
	data, err := readConfigFile(path)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is in our message already
		}
		return nil, usagef("cannot read config file %s: %v", path, err)
	}
	data = trimBOM(data)

	var root *node
	if strings.EqualFold(filepath.Ext(path), ".json") {
		root, err = decodeJSON(data)
	} else { // .yaml, .yml and anything else; YAML reads most JSON too
		root, err = decodeYAML(data)
	}
	if err != nil {
		var pe *posError
		if errors.As(err, &pe) && pe.line > 0 {
			return nil, usagef("%s:%d: %s", path, pe.line, pe.msg)
		}
		if pe != nil {
			return nil, usagef("%s: %s", path, pe.msg)
		}
		return nil, usagef("%s: %v", path, err)
	}
	d := &decoder{path: path, env: env}
	return d.root(root)
}

func trimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

// root accepts the three shapes of a pasted Flowplayer block: the plugin
// object itself, {cluster: {...}} and {plugins: {cluster: {...}}}, plus
// our own keys and clusters: {name: {...}} at the top level. The shapes
// may be mixed, but a setting may be given only once among them.
func (d *decoder) root(n *node) (*fileConfig, error) {
	fc := &fileConfig{path: d.path, named: map[string]*layer{}}
	if n == nil || n.kind == nullKind { // empty file
		return fc, nil
	}
	top := at{file: d.path, line: n.line}
	if n.kind != mapKind {
		return nil, usagef("%s:%d: want a mapping of settings at the top level, got %s", d.path, n.line, n.describe())
	}
	seen := map[string]at{}
	for _, p := range n.pairs {
		src := top.field(p.line, p.key)
		var err error
		switch p.key {
		case "clusters":
			err = d.named(fc, p.val, src)
		case "cluster":
			err = d.block(&fc.top, p.val, src, seen)
		case "plugins":
			err = d.plugins(&fc.top, p.val, src, seen)
		default:
			err = d.key(&fc.top, p, src, seen, append(knownClusterKeys(), "clusters", "cluster", "plugins"))
		}
		if err != nil {
			return nil, err
		}
	}
	return fc, nil
}

// block reads a mapping of cluster keys (a plugin block or a named cluster).
func (d *decoder) block(s *layer, n *node, src at, seen map[string]at) error {
	if n.kind == nullKind {
		return nil
	}
	if n.kind != mapKind {
		return typeError(src, "a mapping of cluster settings", n)
	}
	for _, p := range n.pairs {
		if err := d.key(s, p, src.field(p.line, p.key), seen, knownClusterKeys()); err != nil {
			return err
		}
	}
	return nil
}

// plugins reads Flowplayer's plugins object: the cluster plugin is
// ours; others (controls, rtmp, ...) come along when a whole player config
// is pasted and are only noticed.
func (d *decoder) plugins(s *layer, n *node, src at, seen map[string]at) error {
	if n.kind != mapKind {
		return typeError(src, "a mapping of Flowplayer plugins", n)
	}
	for _, p := range n.pairs {
		psrc := src.field(p.line, p.key)
		if p.key == "cluster" {
			if err := d.block(s, p.val, psrc, seen); err != nil {
				return err
			}
			continue
		}
		s.notices = append(s.notices, fmt.Sprintf("config: ignoring Flowplayer plugin %q (%s:%d)", p.key, d.path, p.line))
	}
	return nil
}

// named reads clusters: {name: {...}}. Each is checked now, used or not,
// so a mistake shows before the day it is needed.
func (d *decoder) named(fc *fileConfig, n *node, src at) error {
	if n.kind == nullKind {
		return nil
	}
	if n.kind != mapKind {
		return typeError(src, "a mapping of cluster names to settings", n)
	}
	for _, p := range n.pairs {
		s := &layer{}
		if err := d.block(s, p.val, src.field(p.line, p.key), map[string]at{}); err != nil {
			return err
		}
		fc.named[p.key] = s
		fc.names = append(fc.names, p.key)
	}
	return nil
}

// key reads one cluster key into s. A null value counts as not given, the
// way an empty "hosts:" line in YAML reads.
func (d *decoder) key(s *layer, p pair, src at, seen map[string]at, known []string) error {
	if flowplayerIgnored[p.key] {
		s.notices = append(s.notices, fmt.Sprintf("config: ignoring Flowplayer key %q (%s:%d)", p.key, d.path, p.line))
		return nil
	}
	e, ok := keyed(p.key)
	if !ok {
		return unknownKey(src, p.key, known)
	}
	if p.val.kind == nullKind {
		return nil
	}
	// An alias and its key name one setting: given both, it is set twice.
	_, name := e.names()
	if first, dup := seen[name]; dup {
		return usagef("%s: already set at line %d as %s", src, first.line, first.key)
	}
	seen[name] = src
	return e.readKey(d, s, p.val, src)
}

// chooseCluster returns the file's named cluster for --cluster name, to be
// put over the file's top level; nil when no cluster was asked for.
func chooseCluster(fc *fileConfig, name, path string) (*layer, error) {
	if name == "" {
		return nil, nil
	}
	if fc == nil {
		where := "no config file was found"
		if path != "" {
			where = "no config file at " + path
		}
		return nil, usagef("--cluster %s: %s", name, where)
	}
	named, ok := fc.named[name]
	if !ok {
		if len(fc.names) == 0 {
			return nil, usagef("--cluster %s: %s defines no clusters", name, fc.path)
		}
		return nil, usagef("--cluster %s: no such cluster in %s (known: %s)", name, fc.path, strings.Join(fc.names, ", "))
	}
	return named, nil
}
