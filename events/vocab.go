// Package events owns clusterplay's event vocabulary and the bus that
// carries it. The engine, the playback session and every later producer
// publish here; the TUI, the plain lines and the JSON lines read from here.
// The words are part of the command line's contract: they appear verbatim
// in --json output and never change.
package events

// Kind names an event.
type Kind string

// Resolution events: Flowplayer's onConnect, onConnectFailed, onFailed.
const (
	Connect          Kind = "connect"
	ConnectFailed    Kind = "connect_failed"
	ConnectCancelled Kind = "connect_cancelled"
	Skip             Kind = "skip"
	Redirect         Kind = "redirect"
	Resolved         Kind = "resolved"
	Failed           Kind = "failed"
	// HostFailed says a host was marked failed by the user or a script
	// while another one served: remembered until ExpiresAt.
	HostFailed Kind = "host_failed"
	// LocalError says once per resolution that attempts failed for want
	// of something on this machine (file descriptors, ports, buffers):
	// not the hosts' fault, and not remembered against them.
	LocalError Kind = "local_error"
)

// Playback events, published by the playback session on the same stream.
const (
	Start    Kind = "start"
	Failover Kind = "failover"
	End      Kind = "end"
	// StateChanged is published on every change of playback State, never
	// on a timer.
	StateChanged Kind = "state"
	// Fetch is one response (or one host's part of a spliced response)
	// the relay fetched: path, status, bytes, elapsed, throughput.
	Fetch Kind = "fetch"
	// Listening says where a relay run alone serves (URL).
	Listening Kind = "listening"
	// Fault says a fault plan's rule (Rule) injects Action into a request
	// of Host for Path, before the fault takes effect: what a report tells
	// injected failures from real ones by.
	Fault Kind = "fault"
	// Hedge says the relay sent a request whose first byte was late
	// (Delay after it began) to a second host (ToHost) too; Winner is
	// the host whose first byte came first and served, "" when neither's.
	Hedge Kind = "hedge"
	// Steering is one steering manifest fetched (or read from the
	// override file): URL (secrets hidden), Status, TTL, Priority, and the
	// Pathway chosen; Err when it failed or was refused.
	Steering Kind = "steering"
	// Pathway says the relay moved the stream's requests from one
	// alternative (PathwayFrom) to another (Pathway), and why (Reason:
	// steering, failure, penalty_over, user).
	Pathway Kind = "pathway"
	// SteerRequest is one request `clusterplay steer` answered: Path,
	// Status, the Pathway the player named (_HLS_pathway or
	// _DASH_pathway, as sent), its throughput (Bitrate, bits/s), and the
	// TTL and Priority it was given.
	SteerRequest Kind = "steer_request"
	// Quality says the relay switched the variant it serves the player
	// (From, To: quality names; Bitrate: To's, bits/s; Reason: estimate,
	// buffer, abandon, user, failover). The first choice is not one.
	Quality Kind = "quality"
	// Dropped tells a reader that did not keep up how many events it
	// lost (Count); the bus makes it, nobody publishes it.
	Dropped Kind = "dropped"
)

// Internal events flow to readers that ask for them (the TUI) and are never
// printed: they change too often, or say what the user just did.
const (
	// Tick carries the playback position, cache, volume and mute as they
	// move, for a UI to redraw.
	Tick Kind = "tick"
	// LoadBalancing says load balancing was turned on or off (On).
	LoadBalancing Kind = "load_balancing"
	// Notice is a sentence for the person at the screen (Message).
	Notice Kind = "notice"
)

func (k Kind) String() string { return string(k) }

// Landmark reports whether the kind marks a step of a resolution or a
// playback that a reader must never miss, however far behind it is.
func (k Kind) Landmark() bool {
	switch k {
	case Resolved, Failed, Start, Failover, End:
		return true
	}
	return false
}

// Internal reports whether the kind stays inside the program.
func (k Kind) Internal() bool {
	switch k {
	case Tick, LoadBalancing, Notice:
		return true
	}
	return false
}

// Class is a short stable word for why something failed.
type Class string

const (
	ClassRefused   Class = "refused"
	ClassTimeout   Class = "timeout"
	ClassDNS       Class = "dns"
	ClassTLS       Class = "tls"
	ClassReset     Class = "reset"
	ClassStatus    Class = "status"
	ClassRedirects Class = "redirects"
	ClassRejected  Class = "rejected"  // an RTMP server refused the connect or the stream
	ClassNotFound  Class = "not_found" // an RTMP stream that does not exist
	ClassProtocol  Class = "protocol"  // the peer spoke, but not the protocol we expect
	ClassCancelled Class = "cancelled"
	ClassNetwork   Class = "network"   // any other network error
	ClassLocal     Class = "local"     // this machine ran short (EMFILE, ENOBUFS, EADDRNOTAVAIL): not the host's fault
	ClassPlayback  Class = "playback"  // the player reported an error while playing
	ClassStall     Class = "stall"     // playback stalled longer than the stall timeout
	ClassEarlyEOF  Class = "early_eof" // the stream ended well before its duration
	ClassManual    Class = "manual"    // the user marked the serving host failed (x)
	ClassSwitch    Class = "switch"    // the user moved to another host without blaming this one (n)
	ClassSlow      Class = "slow"      // the relay left a host slower than the stream
	ClassMismatch  Class = "mismatch"  // a host serves another file under the same name: never spliced onto
	// ClassFailBack: back to a host that failed, recovered and ranks above
	// the serving one (a failover nobody is blamed for): the relay's at a
	// request boundary, or the session's reload without the relay.
	ClassFailBack Class = "fail_back"
)

func (c Class) String() string { return string(c) }

// InsecureHint ends the error of an attempt whose host's TLS certificate
// did not verify: the way past it. Plain lines show it once per host.
const InsecureHint = "; --insecure skips this check"

// State is what playback is doing.
type State string

const (
	// StateIdle is the TUI's state before a clip is given; never published.
	StateIdle       State = "idle"
	StateConnecting State = "connecting"
	StatePlaying    State = "playing"
	StateBuffering  State = "buffering"
	StatePaused     State = "paused"
	StateEnded      State = "ended"
)

func (s State) String() string { return string(s) }

// Reason says how a playback ended.
type Reason string

const (
	ReasonEOF   Reason = "eof"   // the clip played to its end
	ReasonQuit  Reason = "quit"  // the user quit: q, Ctrl-C, SIGTERM
	ReasonError Reason = "error" // no host could serve or take over
)

// Why a pathway event moved the stream's requests.
const (
	ReasonSteering    Reason = "steering"     // the steering server ranked another pathway first
	ReasonFailure     Reason = "failure"      // the pathway in use failed and is penalised
	ReasonPenaltyOver Reason = "penalty_over" // a penalty ended and steering ranks that pathway first
	ReasonUser        Reason = "user"         // x, n or set_pathway
)

// Why the relay switched variants, on a quality event.
const (
	QualityEstimate Reason = "estimate" // the throughput estimate moved past the rule's bounds
	QualityBuffer   Reason = "buffer"   // the player's buffer ran low
	QualityAbandon  Reason = "abandon"  // a segment would have come after the buffer ran out
	QualityUser     Reason = "user"     // the user or a script chose another quality
	QualityFailover Reason = "failover" // a slower host took over
)

func (r Reason) String() string { return string(r) }
