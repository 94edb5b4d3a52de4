// Package cmcd writes Common Media Client Data (CTA-5004) on the requests
// clusterplay makes to the hosts, so that a CDN's logs can be joined to a
// run: the session id the run's report records, the content id the user
// names, and what clusterplay knows of each request. It carries nothing
// else: no header, token or URL of the user's.
package cmcd

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Modes of --cmcd.
const (
	Off    = "off"
	Query  = "query"  // a CMCD query parameter on the URL
	Header = "header" // the CMCD-Object, -Request, -Session and -Status headers
)

// Version is the CMCD version the keys follow, sent as v.
const Version = 1

// Client adds CMCD to the requests of one run. A nil Client adds
// nothing. It is safe for concurrent use.
type Client struct {
	mode      string
	sessionID string
	contentID string
	// started is set once the player has had its first bytes: requests
	// before it are startup requests (su).
	started atomic.Bool
	// buffer is the player's buffer ahead of its position, in
	// milliseconds; -1 before the player has said.
	buffer atomic.Int64
}

// New returns the run's client for mode (Off: nil), with a fresh session
// id and the content id cid ("" = none).
func New(mode, cid string) *Client {
	if mode == "" || mode == Off {
		return nil
	}
	c := &Client{mode: mode, sessionID: NewSessionID(), contentID: cid}
	c.buffer.Store(-1)
	return c
}

// SetBuffer says how much the player holds ahead of its position, for bl.
func (c *Client) SetBuffer(d time.Duration) {
	if c != nil && d >= 0 {
		c.buffer.Store(d.Milliseconds())
	}
}

// NewSessionID is a random UUID (version 4), as CTA-5004 recommends for
// sid.
func NewSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// SessionID is the run's sid; "" for a nil client.
func (c *Client) SessionID() string {
	if c == nil {
		return ""
	}
	return c.sessionID
}

// Mode is query or header; "" for a nil client.
func (c *Client) Mode() string {
	if c == nil {
		return ""
	}
	return c.mode
}

// Started says the player has had its first bytes: later requests are no
// longer startup requests.
func (c *Client) Started() {
	if c != nil {
		c.started.Store(true)
	}
}

// Request is what the requester knows of one request.
type Request struct {
	// Path is the object's path (or URL), from which its type is told.
	Path string
	// Throughput is the throughput last measured from the host, in
	// bytes a second; 0 unknown.
	Throughput float64
}

// Apply puts the CMCD of r on req, in the client's mode.
func (c *Client) Apply(req *http.Request, r Request) {
	if c == nil {
		return
	}
	ks := c.keys(r)
	switch c.mode {
	case Query:
		q := req.URL.RawQuery
		if q != "" {
			q += "&"
		}
		req.URL.RawQuery = q + "CMCD=" + url.QueryEscape(ks.encode())
	case Header:
		for name, part := range ks.byHeader() {
			req.Header.Set(name, part.encode())
		}
	}
}

// DirectURL is rawURL with the run's CMCD as a query parameter, in query
// mode, for a player that asks the host itself (--relay=off): the keys
// that hold for every request of the file (cid, ot, sid, v), since the
// player sends the same URL with each of its requests. In header mode,
// or for a nil client, it is rawURL unchanged.
func (c *Client) DirectURL(rawURL string) string {
	if c == nil || c.mode != Query {
		return rawURL
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	var ks keys
	for _, k := range c.keys(Request{Path: u.Path}) {
		if k.name == "cid" || k.name == "ot" || k.name == "sid" || k.name == "v" {
			ks = append(ks, k)
		}
	}
	if u.RawQuery != "" {
		u.RawQuery += "&"
	}
	u.RawQuery += "CMCD=" + url.QueryEscape(ks.encode())
	return u.String()
}

// SessionHeader is the CMCD-Session header of the run ("" for a nil
// client or one in query mode): the keys that are the same on every
// request, for a player whose requests clusterplay does not make.
func (c *Client) SessionHeader() string {
	if c == nil || c.mode != Header {
		return ""
	}
	var ks keys
	for _, k := range c.keys(Request{}) {
		if headerOf[k.name] == "CMCD-Session" {
			ks = append(ks, k)
		}
	}
	return ks.encode()
}

// keys are the request's keys, sorted by name.
func (c *Client) keys(r Request) keys {
	ks := keys{
		{name: "ot", token: ObjectType(r.Path)},
		{name: "sid", str: c.sessionID, isStr: true},
		{name: "v", num: Version, isNum: true},
	}
	if c.contentID != "" {
		ks = append(ks, key{name: "cid", str: c.contentID, isStr: true})
	}
	if r.Throughput > 0 {
		// kbps, rounded to the nearest 100 as the standard asks.
		kbps := int64(r.Throughput*8/1000/100+0.5) * 100
		ks = append(ks, key{name: "mtp", num: kbps, isNum: true})
	}
	if bl := c.buffer.Load(); bl >= 0 {
		// ms, rounded to the nearest 100 as the standard asks.
		ks = append(ks, key{name: "bl", num: (bl + 50) / 100 * 100, isNum: true})
	}
	if !c.started.Load() {
		ks = append(ks, key{name: "su", flag: true})
	}
	slices.SortFunc(ks, func(a, b key) int { return strings.Compare(a.name, b.name) })
	return ks
}

// ObjectType is CMCD's ot of a path: m a manifest, i an init segment, av
// a media file or segment (audio and video together as far as
// clusterplay knows), c captions, o anything else.
func ObjectType(p string) string {
	if u, err := url.Parse(p); err == nil && u.Path != "" {
		p = u.Path
	}
	base := strings.ToLower(path.Base(p))
	switch ext := path.Ext(base); {
	case ext == ".m3u8" || ext == ".mpd" || ext == ".m3u":
		return "m"
	case strings.Contains(base, "init") && (ext == ".mp4" || ext == ".m4s" || ext == ".cmfv" || ext == ".cmfa"):
		return "i"
	case slices.Contains([]string{".ts", ".m4s", ".mp4", ".m4v", ".m4a", ".mkv", ".webm", ".aac", ".mp3", ".flv", ".mov", ".cmfv", ".cmfa"}, ext):
		return "av"
	case ext == ".vtt" || ext == ".srt" || ext == ".ttml":
		return "c"
	}
	return "o"
}

// key is one CMCD key and its value: a string (quoted), a token, a
// number, or a true flag (the key alone).
type key struct {
	name         string
	str, token   string
	num          int64
	isStr, isNum bool
	flag         bool
}

func (k key) encode() string {
	switch {
	case k.flag:
		return k.name
	case k.isNum:
		return k.name + "=" + strconv.FormatInt(k.num, 10)
	case k.isStr:
		return k.name + "=" + quote(k.str)
	}
	return k.name + "=" + k.token
}

// quote writes a string value: in double quotes, with a quote or a
// backslash inside escaped by a backslash.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// MaxString is the longest string value CTA-5004 allows (cid, sid).
const MaxString = 64

type keys []key

// encode joins the keys, in their order, with commas.
func (ks keys) encode() string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = k.encode()
	}
	return strings.Join(parts, ",")
}

// headerOf is the header each key goes in, in header mode.
var headerOf = map[string]string{
	"br": "CMCD-Object", "d": "CMCD-Object", "ot": "CMCD-Object", "tb": "CMCD-Object",
	"bl": "CMCD-Request", "dl": "CMCD-Request", "mtp": "CMCD-Request", "nor": "CMCD-Request", "nrr": "CMCD-Request", "su": "CMCD-Request",
	"cid": "CMCD-Session", "pr": "CMCD-Session", "sf": "CMCD-Session", "sid": "CMCD-Session", "st": "CMCD-Session", "v": "CMCD-Session",
	"bs": "CMCD-Status", "rtp": "CMCD-Status",
}

// byHeader splits sorted keys into their headers, each still sorted; a
// header with no key is left out.
func (ks keys) byHeader() map[string]keys {
	out := map[string]keys{}
	for _, k := range ks {
		out[headerOf[k.name]] = append(out[headerOf[k.name]], k)
	}
	return out
}
