package cmcd

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"
)

func testClient(mode, cid string) *Client {
	c := New(mode, cid)
	c.sessionID = "6e2fb550-c457-11e9-bb97-0800200c9a66"
	return c
}

func TestQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cid     string
		started bool
		req     Request
		url     string
		want    string
	}{
		{"a segment at startup", "", false, Request{Path: "/v/seg5.ts"}, "http://h/v/seg5.ts",
			`ot=av,sid="6e2fb550-c457-11e9-bb97-0800200c9a66",su,v=1`},
		{"a manifest with a content id and a throughput", `movie "1"`, true, Request{Path: "/v/index.m3u8", Throughput: 1_000_000},
			"http://h/v/index.m3u8?token=x",
			`cid="movie \"1\"",mtp=8000,ot=m,sid="6e2fb550-c457-11e9-bb97-0800200c9a66",v=1`},
		{"an init segment, mtp rounded to 100 kbps", "", true, Request{Path: "/v/init.mp4", Throughput: 31_000}, "http://h/v/init.mp4",
			`mtp=200,ot=i,sid="6e2fb550-c457-11e9-bb97-0800200c9a66",v=1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testClient(Query, tt.cid)
			if tt.started {
				c.Started()
			}
			req, _ := http.NewRequest(http.MethodGet, tt.url, nil)
			c.Apply(req, tt.req)
			if got := req.URL.Query().Get("CMCD"); got != tt.want {
				t.Errorf("CMCD=%s\nwant %s", got, tt.want)
			}
			orig, _ := url.Parse(tt.url)
			for k, v := range orig.Query() {
				if req.URL.Query().Get(k) != v[0] {
					t.Errorf("the URL's own %s was lost: %s", k, req.URL)
				}
			}
			if req.Header.Get("CMCD-Session") != "" {
				t.Error("query mode set a header")
			}
		})
	}
}

func TestBufferLength(t *testing.T) {
	t.Parallel()
	c := testClient(Header, "")
	for _, tt := range []struct {
		buffer time.Duration
		want   string
	}{
		{-1, "su"}, // never said: no bl
		{1249 * time.Millisecond, "bl=1200,su"},
		{1250 * time.Millisecond, "bl=1300,su"},
		{0, "bl=0,su"},
	} {
		if tt.buffer >= 0 {
			c.SetBuffer(tt.buffer)
		}
		req, _ := http.NewRequest(http.MethodGet, "http://h/v/a.ts", nil)
		c.Apply(req, Request{Path: "/v/a.ts"})
		if got := req.Header.Get("CMCD-Request"); got != tt.want {
			t.Errorf("buffer %v: CMCD-Request %q, want %q", tt.buffer, got, tt.want)
		}
	}
}

func TestHeaderSplitsTheKeys(t *testing.T) {
	t.Parallel()
	c := testClient(Header, "clip-1")
	req, _ := http.NewRequest(http.MethodGet, "http://h/v/a.mp4", nil)
	c.Apply(req, Request{Path: "/v/a.mp4", Throughput: 250_000})
	want := map[string]string{
		"CMCD-Object":  "ot=av",
		"CMCD-Request": "mtp=2000,su",
		"CMCD-Session": `cid="clip-1",sid="6e2fb550-c457-11e9-bb97-0800200c9a66",v=1`,
		"CMCD-Status":  "",
	}
	for h, v := range want {
		if got := req.Header.Get(h); got != v {
			t.Errorf("%s: %q, want %q", h, got, v)
		}
	}
	if req.URL.RawQuery != "" {
		t.Errorf("header mode changed the URL: %s", req.URL)
	}
	if got := c.SessionHeader(); got != want["CMCD-Session"] {
		t.Errorf("session header %q", got)
	}
}

func TestDirectURL(t *testing.T) {
	t.Parallel()
	c := testClient(Query, "clip-1")
	got := c.DirectURL("http://h:8/v/intro.mp4?token=x")
	u, _ := url.Parse(got)
	want := `cid="clip-1",ot=av,sid="6e2fb550-c457-11e9-bb97-0800200c9a66",v=1`
	if u.Query().Get("CMCD") != want || u.Query().Get("token") != "x" || u.Path != "/v/intro.mp4" {
		t.Errorf("%s", got)
	}
	for _, c := range []*Client{testClient(Header, "x"), nil} {
		if got := c.DirectURL("http://h/a.mp4"); got != "http://h/a.mp4" {
			t.Errorf("%v changed the URL: %s", c.Mode(), got)
		}
	}
}

func TestOffAddsNothing(t *testing.T) {
	t.Parallel()
	c := New(Off, "x")
	if c != nil {
		t.Fatal("off made a client")
	}
	req, _ := http.NewRequest(http.MethodGet, "http://h/a.mp4", nil)
	c.Apply(req, Request{Path: "/a.mp4"})
	c.Started()
	if req.URL.RawQuery != "" || len(req.Header) != 0 || c.SessionID() != "" || c.SessionHeader() != "" {
		t.Errorf("a nil client changed %s %v", req.URL, req.Header)
	}
}

func TestSessionIDIsAUUID(t *testing.T) {
	t.Parallel()
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, b := NewSessionID(), NewSessionID()
	if !uuid.MatchString(a) || a == b {
		t.Errorf("%q %q", a, b)
	}
}

func TestObjectType(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]string{
		"/v/index.m3u8": "m", "manifest.mpd": "m", "http://h/v/master.m3u8?x=1": "m",
		"/v/seg_00005.ts": "av", "/v/chunk-3.m4s": "av", "intro.mp4": "av",
		"/v/init.mp4": "i", "/v/init-0.m4s": "i",
		"/v/sub.vtt": "c", "/favicon.ico": "o", "": "o",
	} {
		if got := ObjectType(p); got != want {
			t.Errorf("%q: %s, want %s", p, got, want)
		}
	}
}
