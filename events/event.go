package events

import "time"

// Event is one step of a resolution or of playback. Fields that do not apply
// to a kind stay at their zero value and are left out of JSON.
type Event struct {
	Time time.Time
	Kind Kind
	Host string // host base URL as configured
	Clip string // state: the clip playing or being resolved

	// resolved, for an RTMP host: the application, play path and tcUrl the
	// probe asked for and the server accepted, as ffmpeg's rtmp_app,
	// rtmp_playpath and rtmp_tcurl name them.
	App, PlayPath, TCURL string
	Item                 int    // state, in a playlist: the clip's place, from 1
	Items                int    // state, in a playlist: how many clips it has
	Index                int    // position of the host in the configured list, from 0; -1 when no host applies
	URL                  string // clip URL on that host

	// Class is a short stable word (refused, timeout, ...); Err is the
	// human message.
	Class Class
	Err   string

	// Elapsed is the attempt's duration on connect_failed and the time since
	// the resolution began on resolved and failed.
	Elapsed time.Duration
	// Took is how long the winning attempt itself took, on resolved (Elapsed
	// counts from the resolution's start, the other hosts' turns included).
	Took time.Duration
	// ExpiryLeft is how long a skipped host stays remembered as failed.
	ExpiryLeft time.Duration
	// ExpiresAt is until when the failure memory skips the host, on
	// connect_failed, skip and a failover that blames the host; zero when
	// failure memory is off. Readers show it as it is: they never
	// recompute the engine's rules.
	ExpiresAt time.Time
	// Pass is the 1-based pass over the host list.
	Pass int
	// Phases time the steps of the attempt, on connect_failed,
	// connect_cancelled and resolved.
	Phases Phases

	// Failover and playback fields.
	ToHost   string
	ToIndex  int
	Position time.Duration
	Duration time.Duration
	Cache    time.Duration
	Reason   Reason
	State    State
	Count    int // dropped: how many events were lost

	// Relay fields. A seamless failover moved a response to another host
	// mid-body, at Offset bytes, without the player noticing.
	Seamless bool
	Offset   int64
	// Gap is, on a failover the relay made, the time from the failing
	// host's last byte to the new host's first byte delivered to the
	// player; zero when the relay did not measure one.
	Gap        time.Duration
	Path       string  // fetch: the path asked of the host
	Status     int     // fetch: the host's HTTP status
	Bytes      int64   // fetch: bytes relayed from the host
	Throughput float64 // fetch: bytes per second
	Rule       string  // fault: the rule's name
	Action     string  // fault: what it does, as a plan writes it
	// Hedge fields: how long the request waited before the hedge, and
	// the base URL of the host that served (Host or ToHost).
	Delay  time.Duration
	Winner string

	// Pathway is the stream's alternative (an HLS PATHWAY-ID, a DASH
	// serviceLocation) a fetch, failover or steering answer concerns; on
	// a pathway event, the one moved to, PathwayFrom the one left.
	Pathway     string
	PathwayFrom string
	Priority    []string      // steering: the pathways in order, as the manifest ranks them
	TTL         time.Duration // steering: until the next steering reload
	// quality: the variants switched from and to, and To's and From's
	// bitrates (bits/s); on a steer_request, Bitrate is the throughput
	// the player reported (_HLS_throughput or _DASH_throughput), bits/s.
	FromVariant, ToVariant string
	Bitrate, FromBitrate   int64
	// Track is "audio" on a quality event of an audio track switched on
	// its own (an HLS rendition between groups, a DASH audio set's
	// representations); "" for video.
	Track string `json:"track,omitempty"`

	// Internal fields (Tick, LoadBalancing, Notice).
	Volume float64
	Muted  bool
	Window bool    // the player shows a video window
	Speed  float64 // tick: mpv's playback speed, 1 normal
	Live   bool    // tick: a live stream, whose Duration is 0 for good
	// Behind is, on a tick of a live stream, how far playback is behind
	// the newest data received; 0 when the player cannot tell.
	Behind  time.Duration
	On      bool
	Message string
}

// HasIndex reports whether the event refers to a configured host.
func (e Event) HasIndex() bool { return e.Index >= 0 }

// Phases say where the time of one connection attempt went, so that a
// tester can tell a slow name server from a slow handshake or a slow
// origin. A phase the attempt never began is zero; one it began is at
// least a nanosecond, even when it ended in failure or was cut short by
// the connect timeout (then it runs until the attempt ended, which shows
// where the attempt was stuck). After a redirect each phase is the sum
// over the attempt's connections.
type Phases struct {
	DNS     time.Duration // name lookup; none for an IP address
	Connect time.Duration // TCP connect, a refused one included
	TLS     time.Duration // TLS handshake (https, rtmps)
	// TTFB is HTTP's time from the request written to the first byte of
	// the response.
	TTFB time.Duration
	// Handshake is the RTMP handshake (C0-C2/S0-S2).
	Handshake time.Duration
	// Play is RTMP's connect, createStream and play, up to the stream's
	// first media message (audio, video or its metadata).
	Play time.Duration
}

// IsZero reports whether no phase was begun.
func (p Phases) IsZero() bool { return p == Phases{} }
