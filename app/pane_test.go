package app

import (
	"testing"

	"clusterplay/config"
	"clusterplay/player"
)

func TestTrueColor(t *testing.T) {
	for v, want := range map[string]bool{"truecolor": true, "24bit": true, "TrueColor": true, "": false, "256": false, "yes": false} {
		if got := trueColor(func(string) string { return v }); got != want {
			t.Errorf("COLORTERM=%q: true colour %v, want %v", v, got, want)
		}
	}
}

// TestPlayerVideo: without the TUI there is no pane, so the picture goes
// where it went before the pane existed.
func TestPlayerVideo(t *testing.T) {
	for _, tc := range []struct {
		video string
		tui   bool
		want  player.Video
	}{
		{config.VideoAuto, true, player.VideoAuto},
		{config.VideoTerminal, true, player.VideoTerminal},
		{config.VideoAuto, false, player.VideoWindow},
		{config.VideoTerminal, false, player.VideoWindow},
		{config.VideoNone, false, player.VideoNone},
		{config.VideoWindow, true, player.VideoWindow},
	} {
		cfg := &config.Config{Player: config.PlayerConfig{Video: tc.video, PaneFPS: 7}}
		m := modeHeadless
		if tc.tui {
			m = modeTUI
		}
		if o := (&app{parts: &parts{cfg: cfg, mode: m}}).playerOptions(); o.Video != tc.want || o.PaneFPS != 7 {
			t.Errorf("video %s, TUI %v: player gets %s at %d fps, want %s", tc.video, tc.tui, o.Video, o.PaneFPS, tc.want)
		}
	}
	if config.DefaultPaneFPS != player.DefaultPaneFPS {
		t.Errorf("--pane-fps defaults to %d, the player to %d", config.DefaultPaneFPS, player.DefaultPaneFPS)
	}
}
