package events

import (
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"http://h/v/clip.mp4", "http://h/v/clip.mp4"},
		{"http://h/v/clip.mp4?start=10", "http://h/v/clip.mp4?start=10"},
		{"http://h/v/clip.mp4?token=abc&start=10", "http://h/v/clip.mp4?token=REDACTED&start=10"},
		{"https://cdn/x.m3u8?Policy=p&Signature=s&Key-Pair-Id=k", "https://cdn/x.m3u8?Policy=REDACTED&Signature=REDACTED&Key-Pair-Id=REDACTED"},
		{"https://s3/b/o?X-Amz-Signature=deadbeef&X-Amz-Date=1", "https://s3/b/o?X-Amz-Signature=REDACTED&X-Amz-Date=1"},
		{"https://akamai/v?hdnts=exp=1~acl=/*~hmac=ab", "https://akamai/v?hdnts=REDACTED"},
		{"http://h/v?KEY=1&sig=2&AUTH=3&password=4&secret=5", "http://h/v?KEY=REDACTED&sig=REDACTED&AUTH=REDACTED&password=REDACTED&secret=REDACTED"},
		{"http://h/v?access_token=1&my_secret_thing=2", "http://h/v?access_token=REDACTED&my_secret_thing=REDACTED"},
		{"rtmp://alice:hunter2@h/app/clip", "rtmp://alice:REDACTED@h/app/clip"},
		{"rtmp://alice@h/app/clip", "rtmp://alice@h/app/clip"},
		{"not a url ? at all @", "not a url ? at all @"},
		{"dir/clip.mp4?token=x&t=1", "dir/clip.mp4?token=REDACTED&t=1"},
		{"http://bob:pw@[::1", "http://bob:REDACTED@[::1"},
		{"", ""},
		// ';' separates pairs as '&' does.
		{"clip.mp4?x=1;token=S", "clip.mp4?x=1;token=REDACTED"},
		{"http://h/v/clip.mp4?x=1;token=S&t=2", "http://h/v/clip.mp4?x=1;token=REDACTED&t=2"},
		{"rtmp://h/app/clip.mp4?a=b;Signature=s;c=d", "rtmp://h/app/clip.mp4?a=b;Signature=REDACTED;c=d"},
		// A secret's value that holds a ';' is hidden whole.
		{"clip.mp4?token=a;b;c&t=1", "clip.mp4?token=REDACTED&t=1"},
		{"clip.mp4?x=1;y;token=", "clip.mp4?x=1;y;token=REDACTED"},
		{"clip.mp4?a;b&c", "clip.mp4?a;b&c"},
		// Unparsable (a control character), its query is still redacted.
		{"http://h/v?x=1;token=S\n", "http://h/v?x=1;token=REDACTED"},
		{"http://u:pw@h/v?sig=S\x00", "http://u:REDACTED@h/v?sig=REDACTED"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactTextAndEvents(t *testing.T) {
	t.Parallel()
	msg := `Get "http://h/v/c.mp4?token=s3cr3t": dial tcp: refused; then rtmp://u:pw@h/app`
	got := RedactText(msg)
	if strings.Contains(got, "s3cr3t") || strings.Contains(got, ":pw@") || !strings.Contains(got, "token=REDACTED") {
		t.Errorf("RedactText = %q", got)
	}
	bus := NewBus()
	ch := bus.Subscribe()
	bus.Publish(Event{Kind: Redirect, Host: "http://h/v?key=k1", URL: "http://other/c.mp4?sig=abc", Err: "via http://x/?token=t"})
	bus.Close()
	e := <-ch
	for _, field := range []string{e.Host, e.URL, e.Err} {
		for _, secret := range []string{"k1", "abc", "=t"} {
			if strings.Contains(field, secret+"&") || strings.HasSuffix(field, secret) {
				t.Errorf("secret %q left in %q", secret, field)
			}
		}
	}
}

// TestRedactTextOutsideURLs: what a log line can carry besides URLs: a
// request line, an RTMP application with a query, header lines.
func TestRedactTextOutsideURLs(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"GET /v/c.mp4?token=abc&t=1 HTTP/1.1", "GET /v/c.mp4?token=REDACTED&t=1 HTTP/1.1"},
		{"GET /v/c.mp4?t=1&Signature=s HTTP/1.1", "GET /v/c.mp4?t=1&Signature=REDACTED HTTP/1.1"},
		{"connect to application \"vod?auth=k1\" rejected", "connect to application \"vod?auth=REDACTED\" rejected"},
		{"token=abc", "token=REDACTED"},
		{"play c.mp4;hdnts=exp=1~hmac=ab done", "play c.mp4;hdnts=REDACTED done"},
		{"a%5Ftoken=x&b=2", "a%5Ftoken=REDACTED&b=2"},
		{"Authorization: Bearer abc.def", "Authorization: REDACTED"},
		{"range: bytes=0-0\ncookie: sid=1; t=2\nx-api-key:k", "range: bytes=0-0\ncookie: REDACTED\nx-api-key:REDACTED"},
		{"X-Auth-Token: t1", "X-Auth-Token: REDACTED"},
		// Prose and harmless pairs keep their words.
		{"x509: cannot verify signature: insecure algorithm", "x509: cannot verify signature: insecure algorithm"},
		{"expiry_left=2s start=10 bytes=0-0", "expiry_left=2s start=10 bytes=0-0"},
		{"token=REDACTED", "token=REDACTED"},
		{"token= empty", "token= empty"},
		{"http://h/v?token=abc GET /v?key=k", "http://h/v?token=REDACTED GET /v?key=REDACTED"},
	}
	for _, tt := range tests {
		if got := RedactText(tt.in); got != tt.want {
			t.Errorf("RedactText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
