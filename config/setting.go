package config

import (
	"github.com/spf13/pflag"
)

// setting describes one setting completely: the table in table.go holds
// one per setting, and the flags, the file keys, the merging of layers,
// the defaults, --help and the docs check are all derived from it.
type setting[T any] struct {
	flag, short string // "--flag" and "-s"; "" = no flag
	key         string // config-file key; "" = flag only
	// alias and keyAlias are other names of the flag and the key, taken
	// as the same setting: an older name, or mpv's.
	alias, keyAlias string
	group           group  // its section of --help
	help            string // --help's text; a `word` in backquotes is the placeholder
	// doc is the default as the flag table of docs/flags.md words it, for a
	// setting whose def does not say it (an environment path, mpv's own).
	doc string
	// noOpt is the value of the bare flag when the codec has none of its
	// own (--demo is --demo=failover).
	noOpt string

	codec *codec[T]
	def   T
	// check is the rule for a value, run as a flag is parsed and as a
	// key is read, so that both report it alike.
	check func(T) error
	// checkParsed is a rule for the flag run once the whole command line
	// is parsed, for a value that must not stop --help from winning.
	checkParsed func(T) error
	// field is where the merged value lands; nil for a setting that Load
	// acts on itself (--config, --help).
	field func(*Config) *T
	// merge combines a layer's value with the one beneath; nil = the
	// upper layer's value replaces it.
	merge func(base, top T) T
}

// group is a section of --help.
type group int

const (
	clusterGroup group = iota
	playerGroup
	outputGroup
	logGroup
	generalGroup
)

// groupTitles are the section titles, in the order Usage shows them.
var groupTitles = [...]string{clusterGroup: "Cluster", playerGroup: "Player (mpv)", outputGroup: "Output", logGroup: "Logs", generalGroup: "General"}

// entry is a setting of any type, as the table holds it.
type entry interface {
	names() (flag, key string)
	aliases() (flag, key string)
	section() group
	shownDefault() string
	addFlag(fs *pflag.FlagSet, l *layer)
	checkFlag(l *layer) error
	readKey(d *decoder, l *layer, n *node, src at) error
	mergeInto(dst, top *layer)
	apply(c *Config, l *layer)
}

// opt is one setting as given by one source. set tells whether the source
// named it at all, so that a layer overrides only what it actually sets;
// src says where it came from ("--connect-timeout" or
// "config.yaml:5: connectTimeout") for messages about the merged result.
type opt[T any] struct {
	v   T
	set bool
	src string
}

// or returns the value, or def when the setting was not given.
func (o opt[T]) or(def T) T {
	if o.set {
		return o.v
	}
	return def
}

// layer is one source of configuration: the command line, the file's top
// level, or one named cluster of the file. Flags and file keys both land
// in layers, so merging and final validation exist once.
type layer struct {
	opts    map[entry]any // an opt[T] for each setting the source gives
	notices []string      // notices raised while reading this source
}

func (s *setting[T]) in(l *layer) opt[T] {
	o, _ := l.opts[s].(opt[T])
	return o
}

func (s *setting[T]) put(l *layer, v T, src string) {
	if l.opts == nil {
		l.opts = map[entry]any{}
	}
	l.opts[s] = opt[T]{v: v, set: true, src: src}
}

// merge stacks layers, each over the ones before it; nil ones are
// skipped. The first is taken as it is: only a layer put over another goes
// through a setting's merge.
func merge(layers ...*layer) *layer {
	m := &layer{opts: map[entry]any{}}
	first := true
	for _, l := range layers {
		if l == nil {
			continue
		}
		for e, o := range l.opts {
			if first {
				m.opts[e] = o
			} else {
				e.mergeInto(m, l)
			}
		}
		m.notices = append(m.notices, l.notices...)
		first = false
	}
	return m
}

func (s *setting[T]) names() (flag, key string) { return s.flag, s.key }

func (s *setting[T]) aliases() (flag, key string) { return s.alias, s.keyAlias }

func (s *setting[T]) section() group { return s.group }

// shownDefault is the default as the flag tables of the docs show it.
func (s *setting[T]) shownDefault() string {
	switch {
	case s.doc != "":
		return s.doc
	case s.codec.noOpt == "true" && s.codec.show(s.def) == "true":
		return "on"
	case s.codec.noOpt == "true":
		return "off"
	}
	return s.codec.show(s.def)
}

func (s *setting[T]) addFlag(fs *pflag.FlagSet, l *layer) {
	if s.flag == "" {
		return
	}
	help := s.help
	if s.codec.note != "" {
		help += "; " + s.codec.note
	}
	s.defineFlag(fs, l, s.flag, s.short, help)
	if s.alias != "" {
		s.defineFlag(fs, l, s.alias, "", "the same as --"+s.flag)
	}
}

func (s *setting[T]) defineFlag(fs *pflag.FlagSet, l *layer, name, short, help string) {
	f := fs.VarPF(flagValue[T]{s, l, name}, name, short, help)
	f.NoOptDefVal = s.codec.noOpt
	if s.noOpt != "" {
		f.NoOptDefVal = s.noOpt
	}
}

func (s *setting[T]) checkFlag(l *layer) error {
	if o := s.in(l); o.set && s.checkParsed != nil {
		if err := s.checkParsed(o.v); err != nil {
			return usagef("%s: %v", o.src, err)
		}
	}
	return nil
}

func (s *setting[T]) readKey(d *decoder, l *layer, n *node, src at) error {
	v, err := s.codec.read(d, n, src)
	if err != nil {
		return err
	}
	if s.check != nil {
		if err := s.check(v); err != nil {
			return usagef("%s: %v", src, err)
		}
	}
	s.put(l, v, src.String())
	return nil
}

func (s *setting[T]) mergeInto(dst, top *layer) {
	t := s.in(top)
	if !t.set {
		return
	}
	if s.merge != nil {
		t.v = s.merge(s.in(dst).v, t.v)
	}
	dst.opts[s] = t
}

func (s *setting[T]) apply(c *Config, l *layer) {
	if s.field != nil {
		*s.field(c) = s.in(l).or(s.def)
	}
}

// flagValue is the pflag.Value of a setting: it parses with the
// setting's codec and check and puts the result in the command line's
// layer, which is how "given" is told from "default".
type flagValue[T any] struct {
	s    *setting[T]
	l    *layer
	name string // as given: the flag's name or its alias
}

func (f flagValue[T]) Set(arg string) error {
	v, err := f.s.codec.parse(arg, f.s.in(f.l).v)
	if err != nil {
		return err
	}
	if f.s.check != nil {
		if err := f.s.check(v); err != nil {
			return err
		}
	}
	f.s.put(f.l, v, "--"+f.name)
	return nil
}

func (f flagValue[T]) String() string { return f.s.codec.show(f.s.in(f.l).or(f.s.def)) }

func (f flagValue[T]) Type() string { return f.s.codec.typ }
