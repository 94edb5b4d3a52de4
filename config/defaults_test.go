package config

import (
	"testing"
	"time"

	"clusterplay/playback"
	"clusterplay/player"
	"clusterplay/relay"
)

// TestDefaultsAreTheParts: with nothing set, the settings are what the
// parts fall back to on their own, and --video takes the player's words;
// config reads neither from the parts (package defaults and package video
// hold them), so this holds the two sides together.
func TestDefaultsAreTheParts(t *testing.T) {
	t.Parallel()
	cfg := mustLoad(t, []string{"--host", h1}, testEnv(t))
	for _, tc := range []struct {
		name       string
		got, parts time.Duration
	}{
		{"--stall-timeout", cfg.StallTimeout, playback.DefaultStallTimeout},
		{"--read-timeout", cfg.ReadTimeout, relay.DefaultReadTimeout},
		{"--slow-timeout", cfg.SlowTimeout, relay.DefaultSlowTimeout},
		{"--fail-back-probe", cfg.FailBackProbe, relay.DefaultFailBackProbe},
		{"--fail-back-after", cfg.FailBackAfter, relay.DefaultFailBackAfter},
	} {
		if tc.got != tc.parts || tc.got <= 0 {
			t.Errorf("%s defaults to %v, its part to %v", tc.name, tc.got, tc.parts)
		}
	}
	if cfg.Player.PaneFPS != player.DefaultPaneFPS {
		t.Errorf("--pane-fps defaults to %d, the player to %d", cfg.Player.PaneFPS, player.DefaultPaneFPS)
	}
	for _, v := range []player.Video{player.VideoAuto, player.VideoWindow, player.VideoTerminal, player.VideoNone} {
		if c := mustLoad(t, []string{"--host", h1, "--video", string(v)}, nil); c.Player.Video != string(v) {
			t.Errorf("--video %s gave video %q", v, c.Player.Video)
		}
	}
	if _, err := Load([]string{"--host", h1, "--video", string(player.VideoOff)}, testEnv(t)); err == nil {
		t.Error("--video off accepted: off is only the v key's step")
	}
	if cfg.Player.Video != string(player.VideoAuto) {
		t.Errorf("--video defaults to %q", cfg.Player.Video)
	}
}
