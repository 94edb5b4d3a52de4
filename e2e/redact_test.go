package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// secretWord stands in for a token in these tests: it must never show.
const secretWord = "S3CR3TV4LUE"

// TestSemicolonTokenIsHidden: a token after a ';' in a clip's query is
// hidden as one after a '&' is, in the plain lines and the JSON.
func TestSemicolonTokenIsHidden(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	clip := "clip.mp4?x=1;token=" + secretWord
	for _, mode := range []string{"--json", "--no-tui"} {
		r := clusterplay(t, nil, "--print-url", mode, "--host", good.URL+"/?a=b;sig="+secretWord, clip)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", mode, r.code, r.stderr)
		}
		shown := r.stderr
		if mode == "--json" {
			shown = r.stdout
		}
		if strings.Contains(shown, secretWord) {
			t.Errorf("%s shows the token:\n%s", mode, shown)
		}
		if !strings.Contains(shown, "token=REDACTED") || !strings.Contains(shown, "sig=REDACTED") {
			t.Errorf("%s: no REDACTED where the tokens were:\n%s", mode, shown)
		}
	}
}

// TestControlSocketHidesTokens: get_status names the clip without its
// ';' token, and a clip refused for a control character is named in the
// socket's reply without its token.
func TestControlSocketHidesTokens(t *testing.T) {
	slow := int64(len(assets.Clip) / 3) // about 18 s to serve the 6 s clip
	good := hosttest.Keep(t)(loopback.Throttled(media, slow))
	sock := t.TempDir() + "/ctl.sock"
	cmd, lines, _ := startJSON(t, "--control-socket", sock, "--host", good.URL,
		assets.ClipName+"?x=1;token="+secretWord)
	started, drained := make(chan struct{}), make(chan struct{})
	var seen strings.Builder
	go func() {
		defer close(drained)
		once := false
		for lines.Scan() {
			seen.WriteString(lines.Text() + "\n")
			var ev map[string]any
			if json.Unmarshal(lines.Bytes(), &ev) == nil && ev["event"] == "start" && !once {
				once = true
				close(started)
			}
		}
	}()
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("no start within 30 s")
	}
	code, out, errOut := ctlRun(t, sock, "get_status")
	if code != 0 || strings.Contains(out, secretWord) || !strings.Contains(out, "token=REDACTED") {
		t.Errorf("get_status: exit %d, %s %s; want the clip with token=REDACTED", code, out, errOut)
	}
	for _, clip := range []string{"b.mp4?x=1;token=" + secretWord + "\n", "b.mp4?token=" + secretWord + "&t=1\x1b"} {
		code, out, errOut = ctlRun(t, sock, "load", clip)
		if code != 1 || !strings.Contains(errOut, "control character") {
			t.Errorf("load %q: exit %d %q %q; want 1 and the reason", clip, code, out, errOut)
		}
		if strings.Contains(out+errOut, secretWord) || !strings.Contains(errOut, "REDACTED") {
			t.Errorf("load %q: the reply shows the token: %q %q", clip, out, errOut)
		}
	}
	// The reply to quit can lose the race with the exit: the exit is
	// what counts here.
	ctlRun(t, sock, "quit")
	select {
	case <-drained: // the stream is read to its end before Wait closes it
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10 s after quit")
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v", err)
	}
	if strings.Contains(seen.String(), secretWord) {
		t.Errorf("the events show the token:\n%s", seen.String())
	}
}

// TestSecretsFromTheEnvironment: hosts and a token header given in the
// environment, where ps does not show them, are used as --host and
// --http-header would be, and hidden in the events alike.
func TestSecretsFromTheEnvironment(t *testing.T) {
	h, _ := tokenHost(t) // serves only requests with X-Edge-Token: s3cret
	refused := hosttest.Refused(t)
	env := []string{"CLUSTERPLAY_HOSTS=" + refused + "/?token=" + secretWord + " " + h.URL,
		"CLUSTERPLAY_HTTP_HEADERS=X-Edge-Token: s3cret\nX-Other: 1"}
	r := clusterplay(t, env, "--print-url", "--json", assets.ClipName)
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, `"event":"resolved"`) || !strings.Contains(r.stdout, h.URL) {
		t.Errorf("the environment's token host did not serve:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout+r.stderr, secretWord) || strings.Contains(r.stdout+r.stderr, "s3cret") {
		t.Errorf("a secret shows:\n%s\n%s", r.stdout, r.stderr)
	}
	// A flag still wins over the environment.
	r = clusterplay(t, env, "--print-url", "--host", refused, "--failure-expiry", "0", assets.ClipName)
	if r.code != 1 {
		t.Errorf("--host did not replace the environment's hosts: exit %d\n%s", r.code, r.stderr)
	}
}
