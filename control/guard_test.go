package control

import (
	"strings"
	"testing"
)

// TestMappedCommands: mpv's commands that would go around the cluster or
// its playlist are clusterplay's, in every form mpv takes them; libmpv is
// never asked.
func TestMappedCommands(t *testing.T) {
	mpv := &fakeMPV{}
	s, _, rec := start(t, Options{MPV: mpv})
	c := dial(t, s.opts.Path)
	tests := []struct{ req, wantErr, wantCall string }{
		{`{"command":["loadfile","http://elsewhere:9/dir/clip.mp4?t=1"]}`, "success", "load http://elsewhere:9/dir/clip.mp4?t=1"},
		{`{"command":["loadfile","clip.mp4","replace"]}`, "success", "load clip.mp4"},
		{`{"command":{"name":"loadfile","url":"a.mp4"}}`, "success", "load a.mp4"},
		{`{"command":["loadlist","list.m3u"]}`, "success", "load list.m3u"},
		{`{"command":["loadfile","clip.mp4","append"]}`, "only replace", ""},
		{`{"command":["loadfile","clip.mp4","replace","start=5"]}`, "per-file options", ""},
		{`{"command":["loadfile"]}`, "invalid parameter", ""},
		{`{"command":["loadfile",5]}`, "invalid parameter", ""},
		{`{"command":["stop"]}`, "success", "quit 0"},
		{`{"command":["quit-watch-later",3]}`, "success", "quit 3"},
		{`{"command":["quit_watch_later","4"]}`, "success", "quit 4"},
		{`{"command":["quit-watch-later",300]}`, "not within 0 to 255", ""},
		{`{"command":["playlist-next"]}`, "success", "next clip"},
		{`{"command":["playlist_prev","weak"]}`, "success", "previous clip"},
		{`{"command":["osd-msg","playlist-next"]}`, "success", "next clip"},
		{`{"command":["no-osd","quit",5]}`, "success", "quit 5"},
		{`{"command":{"name":"quit","code":6}}`, "success", "quit 6"},
		{`{"command":["keypress","q"]}`, "success", "quit 0"},
		{`{"command":["keypress","CTRL+w"]}`, "success", "quit 0"},
		{`{"command":["keydown",">"]}`, "success", "next clip"},
		{`{"command":["playlist-play-index",0]}`, "keeps the playlist", ""},
		{`{"command":["set_property","playlist-pos",1]}`, "keeps the playlist", ""},
		{`{"command":["set","keep-open","yes"]}`, "keeps the playlist", ""},
	}
	for _, tt := range tests {
		before := len(rec.Calls())
		r := c.ask(tt.req)
		if e, _ := r["error"].(string); !strings.Contains(e, tt.wantErr) {
			t.Errorf("%s: error %q, want %q", tt.req, e, tt.wantErr)
		}
		calls := rec.Calls()[before:]
		if (tt.wantCall == "" && len(calls) != 0) || (tt.wantCall != "" && (len(calls) != 1 || calls[0] != tt.wantCall)) {
			t.Errorf("%s: called %q, want %q", tt.req, calls, tt.wantCall)
		}
	}
	// Text lines and keys carry them out too.
	before := len(rec.Calls())
	c.c.Write([]byte("no-osd playlist-next ; stop\n"))
	c.ask(`{"command":["get_status"]}`)
	if got := rec.Calls()[before:]; strings.Join(got, ",") != "next clip,quit 0" {
		t.Errorf("text line: %q", got)
	}
	for _, call := range mpv.client(0).Calls() {
		if !strings.HasPrefix(call, "cmd [\"keypress\"") && !strings.HasPrefix(call, "cmd [\"keydown\"") {
			continue
		}
		t.Errorf("a key clusterplay carries out went to mpv: %s", call)
	}
	// A key bound to a command mpv keeps goes to mpv.
	c.ask(`{"command":["keypress","space"]}`)
	if calls := mpv.client(0).Calls(); calls[len(calls)-1] != `cmd ["keypress","space"]` {
		t.Errorf("space: %q", calls)
	}
}

// TestRunIsRefused: what runs a program or reads code is refused unless
// AllowRun, in every form; with it, it goes to mpv.
func TestRunIsRefused(t *testing.T) {
	refused := []string{
		`{"command":["run","sh","-c","touch x"]}`,
		`{"command":["subprocess",["sh"]]}`,
		`{"command":{"name":"subprocess","args":["sh"],"capture_stdout":true}}`,
		`{"command":["async","subprocess",["sh"]]}`,
		`{"command":["load-script","/tmp/x.lua"]}`,
		`{"command":["load_script","/tmp/x.lua"]}`,
		`{"command":["load-input-conf","/tmp/input.conf"]}`,
		`{"command":["load-config-file","/tmp/mpv.conf"]}`,
		`{"command":["vf","add","vapoursynth=/tmp/x.vpy"]}`,
		`{"command":["af","set","lavfi=[ladspa=file=x]"]}`,
		`{"command":["keybind","x","run sh"]}`,
		`{"command":["keybind","x","show-text a; no-osd run sh"]}`,
		`{"command":["define-section","s","a show-text a\nb run sh\n","force"]}`,
		`{"command":{"name":"define-section","contents":"b subprocess sh"}}`,
		`{"command":["set_property","script-opts","ytdl_hook-ytdl_path=/tmp/x"]}`,
		`{"command":["set_property_string","options/scripts","/tmp/x.lua"]}`,
		`{"command":["set_property","input-ipc-server","/tmp/other.sock"]}`,
		`{"command":["change-list","script-opts","append","a=b"]}`,
		`{"command":["set","script-opts-append","a=b"]}`,
		`{"command":["cycle-values","!reverse","ytdl","yes","no"]}`,
		`{"command":["set","glsl-shaders","/tmp/x.glsl"]}`,
		`{"command":["set","${x}","1"]}`,
		`{"command":["keypress","x"]}`, // bound to run
	}
	mpv := &fakeMPV{}
	s, _, _ := start(t, Options{MPV: mpv})
	c := dial(t, s.opts.Path)
	for _, req := range refused {
		if e, _ := c.ask(req)["error"].(string); !strings.Contains(e, "refused") {
			t.Errorf("%s: %q, want a refusal", req, e)
		}
	}
	// A refused text line is answered: it failed.
	if r := c.raw("show-text a ; run sh -c 'touch x'"); !strings.Contains(r, `\"run\" refused`) {
		t.Errorf("text run: %s", r)
	}
	if calls := mpv.client(0).Calls(); len(calls) != 1 || calls[0] != "text show-text a" {
		t.Errorf("mpv was asked %q", calls)
	}

	allowMPV := &fakeMPV{}
	allowed, _, _ := start(t, Options{MPV: allowMPV, AllowRun: true})
	a := dial(t, allowed.opts.Path)
	for _, req := range refused[:3] {
		if e, _ := a.ask(req)["error"].(string); e != "success" {
			t.Errorf("allowed %s: %q", req, e)
		}
	}
	if calls := allowMPV.client(0).Calls(); len(calls) != 3 || !strings.HasPrefix(calls[0], `cmd ["run"`) {
		t.Errorf("allowed: mpv was asked %q", calls)
	}
}

func TestSplitCommands(t *testing.T) {
	tests := []struct {
		line string
		want string // segments' words, | between words, ; between segments
	}{
		{`cycle pause`, `cycle|pause`},
		{`  no-osd seek 5 exact ; show-text "a;b #c" # comment ; run x`, `no-osd|seek|5|exact;show-text|a;b #c`},
		{`show-text 'it''s' "\"q\"\n"`, "show-text|it|s|\"q\"\n"},
		{"show-text `!a`b!`", "show-text|a`b"},
		{`set volume 5;;add volume 1`, `set|volume|5;add|volume|1`},
	}
	for _, tt := range tests {
		segs, err := splitCommands(tt.line)
		var parts []string
		for _, s := range segs {
			parts = append(parts, strings.Join(s.words, "|"))
		}
		if got := strings.Join(parts, ";"); err != nil || got != tt.want {
			t.Errorf("%q: %q, %v; want %q", tt.line, got, err, tt.want)
		}
	}
	for _, bad := range []string{`show-text "open`, `show-text 'open`, "show-text `!open"} {
		if _, err := splitCommands(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestNormKey(t *testing.T) {
	for _, same := range [][2]string{{"space", "SPACE"}, {"ctrl+w", "Ctrl+w"}, {"Alt+Ctrl+x", "ctrl+alt+x"},
		{"mbtn_left_dbl", "MBTN_LEFT_DBL"}, {"Alt++", "alt++"}} {
		if normKey(same[0]) != normKey(same[1]) {
			t.Errorf("%q and %q differ: %q %q", same[0], same[1], normKey(same[0]), normKey(same[1]))
		}
	}
	for _, differ := range [][2]string{{"q", "Q"}, {"ctrl+w", "ctrl+W"}, {"w", "ctrl+w"}} {
		if normKey(differ[0]) == normKey(differ[1]) {
			t.Errorf("%q and %q are the same", differ[0], differ[1])
		}
	}
}
