package control

import (
	"fmt"
	"strings"

	"clusterplay/mpvnode"
)

// What the socket refuses of mpv's. A socket is a smaller door than a
// shell: what runs a program or reads code is refused unless
// --control-socket-allow-run opens it (Options.AllowRun), and what would
// take the playlist or the end of a clip from clusterplay is refused
// always (loadfile, stop and playlist-next are clusterplay's instead).

// runCommands run a program or read code: mpv 0.35's run, subprocess,
// load-script, its filter chains (vapoursynth scripts, ladspa and frei0r
// plugins are code), and the load-input-conf and load-config-file of
// later mpv versions.
var runCommands = map[string]bool{"run": true, "subprocess": true, "load-script": true,
	"load-input-conf": true, "load-config-file": true, "vf": true, "af": true}

// runProperties are options whose value names code to run or load: scripts
// and their options (the ytdl hook's program among them), input files of
// commands, another IPC socket (a door without this guard), config files,
// filter chains and shaders.
var runProperties = map[string]bool{"script": true, "scripts": true, "script-opt": true,
	"script-opts": true, "ytdl": true, "ytdl-raw-options": true, "input-conf": true,
	"input-file": true, "input-ipc-server": true, "input-ipc-client": true, "include": true,
	"config": true, "config-dir": true, "use-filedir-conf": true, "load-scripts": true,
	"vf": true, "af": true, "lavfi-complex": true, "glsl-shader": true, "glsl-shaders": true}

// playlistCommands and ownProperties would move mpv's playlist, or change how a
// clip ends, behind the session's back.
var (
	playlistCommands = map[string]bool{"playlist-play-index": true, "playlist-remove": true}
	ownProperties    = map[string]bool{"playlist-pos": true, "playlist-pos-1": true,
		"playlist-current-pos": true, "idle": true, "keep-open": true}
)

// propertyWriters are the commands whose first argument names a property
// they change.
var propertyWriters = map[string]bool{"set": true, "add": true, "cycle": true,
	"multiply": true, "cycle-values": true, "change-list": true}

// optionSuffixes are the list options' actions mpv accepts after a name.
var optionSuffixes = []string{"-append", "-add", "-set", "-clr", "-remove", "-pre", "-toggle", "-del"}

// refusal says why the command name (as mpv looks it up) with its
// arguments is refused, or nil.
func (s *Server) refusal(name string, args []any, named mpvnode.Map) error {
	switch {
	case runCommands[name] && !s.opts.AllowRun:
		return runRefused(name)
	case playlistCommands[name]:
		return ownRefused(name)
	case propertyWriters[name] && named == nil:
		prop := args
		if name == "cycle-values" && len(prop) > 0 && prop[0] == "!reverse" {
			prop = prop[1:]
		}
		if len(prop) > 0 {
			p, _ := prop[0].(string)
			return s.propertyRefusal(p)
		}
	case name == "keybind":
		if cmd, ok := argOf(args, named, 1, "cmd"); ok {
			return s.textRefusal(cmd)
		}
	case name == "define-section":
		if contents, ok := argOf(args, named, 1, "contents"); ok {
			return s.sectionRefusal(contents)
		}
	}
	return nil
}

// argOf is a string argument, positional or named.
func argOf(args []any, named mpvnode.Map, i int, key string) (string, bool) {
	var v any
	if named != nil {
		v, _ = named.Get(key)
	} else if i < len(args) {
		v = args[i]
	}
	s, ok := v.(string)
	return s, ok
}

// propertyRefusal says why writing the property is refused, or nil. An
// option is one under options/ too; a name mpv would expand (${...}) is
// refused, as it cannot be checked before.
func (s *Server) propertyRefusal(prop string) error {
	if strings.Contains(prop, "${") {
		return fmt.Errorf("%q refused: a property named by an expansion cannot be checked", prop)
	}
	base := strings.TrimPrefix(strings.TrimPrefix(prop, "file-local-options/"), "options/")
	for _, suffix := range optionSuffixes {
		if b, cut := strings.CutSuffix(base, suffix); cut && (runProperties[b] || ownProperties[b]) {
			base = b
		}
	}
	switch {
	case runProperties[base] && !s.opts.AllowRun:
		return runRefused(prop)
	case ownProperties[base]:
		return ownRefused(prop)
	}
	return nil
}

// textRefusal checks every command of an input.conf line (a key's
// binding): the refusal of the first refused one, or nil.
func (s *Server) textRefusal(line string) error {
	segs, err := splitCommands(line)
	if err != nil {
		return nil // mpv will not run it either
	}
	for _, seg := range segs {
		words := seg.command()
		if len(words) == 0 {
			continue
		}
		args := make([]any, len(words)-1)
		for i, w := range words[1:] {
			args[i] = w
		}
		if err := s.refusal(mpvName(words[0]), args, nil); err != nil {
			return err
		}
	}
	return nil
}

// sectionRefusal checks the bindings of define-section's contents, one a
// line: a key, then its commands.
func (s *Server) sectionRefusal(contents string) error {
	for _, line := range strings.Split(contents, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		_, cmd, _ := strings.Cut(strings.ReplaceAll(line, "\t", " "), " ")
		if err := s.textRefusal(cmd); err != nil {
			return err
		}
	}
	return nil
}

func runRefused(what string) error {
	return fmt.Errorf("%q refused: it runs a program or loads code, which the control socket allows only with --control-socket-allow-run", what)
}

func ownRefused(what string) error {
	return fmt.Errorf("%q refused: clusterplay keeps the playlist and the end of a clip (use loadfile, playlist-next, playlist-prev or stop)", what)
}
