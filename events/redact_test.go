package events

import (
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
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
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactTextAndEvents(t *testing.T) {
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
