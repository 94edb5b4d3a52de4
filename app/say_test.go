package app

import (
	"bytes"
	"errors"
	"testing"
)

// TestSayEscapesAServersWords: the lines clusterplay says itself escape
// what they quote as the events do.
func TestSayEscapesAServersWords(t *testing.T) {
	var buf bytes.Buffer
	a := &app{stderr: &buf}
	a.say("warning:", errors.New("host said \x1b]0;owned\x07\x1b[2J\u202e\u0085"))
	want := "clusterplay: warning: host said \\x1b]0;owned\\x07\\x1b[2J\\u202e\\u0085\n"
	if buf.String() != want {
		t.Errorf("said %q, want %q", buf.String(), want)
	}
}
