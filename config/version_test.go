package config

import (
	"runtime/debug"
	"testing"
)

func TestVersionLine(t *testing.T) {
	build := func(version string, settings ...string) *debug.BuildInfo {
		info := &debug.BuildInfo{Main: debug.Module{Path: "clusterplay", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			info.Settings = append(info.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return info
	}
	const rev = "b09f91e3c2d1aa55aa55aa55aa55aa55aa55aa55"
	tests := []struct {
		name    string
		stamped string
		info    *debug.BuildInfo
		want    string
	}{
		{"checkout, modified", "dev", build("v0.0.0-20260425163000-b09f91e3c2d1+dirty", "vcs.revision", rev, "vcs.modified", "true"),
			"clusterplay v0.0.0-20260425163000-b09f91e3c2d1+dirty (rev " + rev + ", modified)"},
		{"checkout, clean", "", build("v1.2.0", "vcs.revision", rev, "vcs.modified", "false"),
			"clusterplay v1.2.0 (rev " + rev + ")"},
		{"stamped at link time", "v2.0.0", build("(devel)", "vcs.revision", rev),
			"clusterplay v2.0.0 (rev " + rev + ")"},
		{"no VCS", "dev", build("(devel)"), "clusterplay (devel) (no revision recorded)"},
		{"no build info", "dev", nil, "clusterplay (devel) (no revision recorded)"},
	}
	for _, tt := range tests {
		if got := versionLine(tt.stamped, tt.info); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
