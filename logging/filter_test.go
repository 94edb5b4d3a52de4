package logging

import (
	"strings"
	"testing"
)

func TestFilterMatches(t *testing.T) {
	tests := []struct {
		filter string
		want   []string // the components it lets through
	}{
		{"", Components},
		{"*", Components},
		// As the original's org.flowplayer.cluster.*: the parent too.
		{"cluster.*", []string{Cluster, ClusterHTTP, ClusterRTMP, ClusterMemory}},
		{"cluster", []string{Cluster}},
		{"cluster*", []string{Cluster, ClusterHTTP, ClusterRTMP, ClusterMemory}},
		{"cluster.http", []string{ClusterHTTP}},
		{"*.http, *.rtmp", []string{ClusterHTTP, ClusterRTMP}},
		{"cluster.memory,playback,player", []string{ClusterMemory, Playback, Player}},
		{"p*", []string{Playback, Player}},
		{"pla?er", []string{Player}},
		{"[pu]*", []string{Playback, Player, UI}},
		{" ui ,", []string{UI}},
	}
	for _, tt := range tests {
		f, err := ParseFilter(tt.filter)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tt.filter, err)
			continue
		}
		var got []string
		for _, c := range Components {
			if f.Allows(c) {
				got = append(got, c)
			}
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%q lets through %v, want %v", tt.filter, got, tt.want)
		}
		if !f.Allows("") {
			t.Errorf("%q stops a line of no component", tt.filter)
		}
	}
}

func TestFilterRefusesWhatMatchesNothing(t *testing.T) {
	for _, tt := range []struct{ filter, want string }{
		{"[", "bad pattern"},
		{"clustr", "matches no component"},
		{"cluster,plaback", `"plaback" matches no component`},
		{"org.flowplayer.cluster.*", "matches no component"},
	} {
		if _, err := ParseFilter(tt.filter); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseFilter(%q) = %v, want an error saying %q", tt.filter, err, tt.want)
		}
	}
}
