package player

import (
	"strings"
	"testing"
	"time"
)

func TestMpvOptions(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	vol := 55.5
	for _, tc := range []struct {
		name      string
		opts      Options
		want      map[string]string // "" = must be absent
		wantVideo bool
	}{
		{"headless", Options{NoVideo: true, VO: "gpu", AO: "pulse"},
			map[string]string{"vo": "null", "ao": "null", "config": "no"}, false},
		{"no display", Options{},
			map[string]string{"vo": "null", "ao": ""}, false},
		{"chosen vo gets a null fallback", Options{VO: "gpu", AO: "alsa"},
			map[string]string{"vo": "gpu,null", "ao": "alsa"}, true},
		{"trailing comma keeps autoprobe", Options{VO: "xv,"},
			map[string]string{"vo": "xv,"}, true},
		{"explicit null", Options{VO: "null"},
			map[string]string{"vo": "null"}, false},
		{"knobs", Options{NoVideo: true, Volume: &vol, Fullscreen: true, MpvConfig: true,
			NetworkTimeout: 2500 * time.Millisecond, StreamLavfO: "reconnect=0"},
			map[string]string{"volume": "55.5", "fullscreen": "yes", "config": "yes",
				"network-timeout": "2.5", "stream-lavf-o": "reconnect=0"}, false},
		{"extra wins", Options{NoVideo: true, Extra: [][2]string{{"vo", "gpu"}, {"ytdl", "yes"}}},
			map[string]string{"vo": "gpu", "ytdl": "yes"}, true},
		{"terminal draws through libmpv", Options{Video: VideoTerminal, VO: "gpu"},
			map[string]string{"vo": "libmpv", "ao": ""}, false},
		{"auto without a display is the terminal", Options{Video: VideoAuto},
			map[string]string{"vo": "libmpv"}, false},
		{"auto with a named output is the window", Options{Video: VideoAuto, VO: "gpu"},
			map[string]string{"vo": "gpu,null"}, true},
		{"none is headless", Options{Video: VideoNone, VO: "gpu", AO: "alsa"},
			map[string]string{"vo": "null", "ao": "null"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, wantVideo := tc.opts.mpvOptions()
			got := map[string]string{}
			for _, o := range list {
				got[o.name] = o.value // later entries win, as in mpv
			}
			for name, want := range tc.want {
				if v, ok := got[name]; want == "" && ok || want != "" && v != want {
					t.Errorf("%s = %q (set: %v), want %q", name, v, ok, want)
				}
			}
			for _, fixed := range []string{"terminal", "input-default-bindings", "input-terminal", "keep-open"} {
				if got[fixed] != "no" {
					t.Errorf("%s = %q, want no", fixed, got[fixed])
				}
			}
			if got["idle"] != "yes" || got["osc"] != "no" || got["audio-fallback-to-null"] != "yes" {
				t.Errorf("idle/osc/audio fallback: %v", got)
			}
			if wantVideo != tc.wantVideo {
				t.Errorf("wantVideo = %v", wantVideo)
			}
		})
	}
}

func TestLoadfileArgs(t *testing.T) {
	tests := []struct {
		start time.Duration
		api   uint32
		want  string
	}{
		{0, 2 << 16, "loadfile u replace"},
		{3500 * time.Millisecond, 2 << 16, "loadfile u replace start=3.500"},
		{3500 * time.Millisecond, 2<<16 | 2, "loadfile u replace start=3.500"},
		{3500 * time.Millisecond, 2<<16 | 3, "loadfile u replace -1 start=3.500"},
	}
	for _, tt := range tests {
		if got := strings.Join(loadfileArgs("u", tt.start, tt.api), " "); got != tt.want {
			t.Errorf("loadfileArgs(%v, %x) = %q, want %q", tt.start, tt.api, got, tt.want)
		}
	}
}

// TestKeyBindings: mpv's default bindings are loaded only for a control
// socket's keypress, and with them mpv's console stays unloaded, since it
// would take typed commands; the keyboard of the window and the terminal
// stay off either way.
func TestKeyBindings(t *testing.T) {
	for _, on := range []bool{false, true} {
		list, _ := Options{NoVideo: true, KeyBindings: on}.mpvOptions()
		got := map[string]string{}
		for _, o := range list {
			got[o.name] = o.value
		}
		want := map[bool]string{false: "no", true: "yes"}[on]
		if got["input-default-bindings"] != want || got["input-terminal"] != "no" {
			t.Errorf("KeyBindings %v: default bindings %q, terminal %q", on, got["input-default-bindings"], got["input-terminal"])
		}
		if console, set := got["load-osd-console"]; on && console != "no" || !on && set {
			t.Errorf("KeyBindings %v: load-osd-console %q (set %v)", on, console, set)
		}
	}
}
