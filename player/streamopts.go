package player

import (
	"fmt"
	"strings"
)

// Per-load ffmpeg stream options.
//
// Some URLs cannot say everything ffmpeg needs: for rtmp://server/vod/dir/
// clip.mp4 ffmpeg guesses the application from the path ("vod/dir"), and
// only the caller knows it is "vod". mpv reads its stream-lavf-o option
// each time it opens a stream, so changing it between two loads changes
// what the next Load asks the server for. The options given to New stay
// underneath (reconnect=0 and the like): SetStreamOptions adds to them.

// streamLavfO is the mpv option carrying ffmpeg's protocol options.
const streamLavfO = "stream-lavf-o"

// SetStreamOptions sets ffmpeg protocol options (e.g. rtmp_app,
// rtmp_playpath) for the following Loads, until the next call; nil or
// empty goes back to the options New was given. A key given both here and
// in the base (Options.StreamLavfO, or --mpv stream-lavf-o=...) takes the
// value given here.
//
// Values are passed to mpv as they are, with no quoting: any byte but NUL
// is fine. Keys are ffmpeg option names and may not contain '=', ',', ':'
// or quoting characters, which mpv's list syntax would split on.
func (p *Player) SetStreamOptions(pairs [][2]string) error {
	for _, kv := range pairs {
		if kv[0] == "" || strings.ContainsAny(kv[0], "=,:\"'[]%\x00 ") {
			return fmt.Errorf("player: stream option name %q: %w", kv[0], ErrInvalidParameter)
		}
	}
	if p.closed() {
		return ErrClosed
	}
	// mu orders this against Load: the options must be in place before
	// loadfile, and two callers must not interleave their appends.
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stream.set(p.m, pairs)
}

// listOption is one of mpv's key-value list options that it reads each
// time it opens a file (stream-lavf-o, demuxer-lavf-o): the value New set
// stays the base, and the pairs of the latest call go on top of it.
type listOption struct {
	name  string
	base  string // the value New set
	extra bool   // pairs were added on top of base
}

// set replaces the pairs on top of the base. The caller holds p.mu.
func (o *listOption) set(m *mpvHandle, pairs [][2]string) error {
	if len(pairs) == 0 && !o.extra {
		return nil // nothing was added: the base is in place already
	}
	// change-list "set" parses the base in mpv's list syntax, exactly as
	// New's option did; "append" takes everything after the first '=' as
	// the value, verbatim, and replaces an existing key. Neither needs
	// quoting, unlike a property string "k1=v1,k2=v2".
	if err := m.Command("change-list", o.name, "set", o.base); err != nil {
		return err
	}
	o.extra = false
	for _, kv := range pairs {
		if err := m.Command("change-list", o.name, "append", kv[0]+"="+kv[1]); err != nil {
			// Half a set of options could ask a server for the wrong
			// stream; fall back to the base, which is known to parse.
			_ = m.Command("change-list", o.name, "set", o.base)
			return err
		}
		o.extra = true
	}
	return nil
}

// streamOptions is mpv's current stream-lavf-o as it prints it
// ("k1=v1,k2=v2", values unquoted): what tests compare SetStreamOptions
// against.
func (p *Player) streamOptions() (string, error) {
	if p.closed() {
		return "", ErrClosed
	}
	return p.m.GetPropertyString(streamLavfO)
}

// baseOption is the value New sets for the option name: the last one in
// the list, as a later option overrides an earlier one in mpv. mpv knows
// no -append or -add form of a list option as an initial option, so a
// plain value is all there can be. "" is mpv's default, an empty list.
func baseOption(list []mpvOption, name string) string {
	base := ""
	for _, o := range list {
		if o.name == name {
			base = o.value
		}
	}
	return base
}
