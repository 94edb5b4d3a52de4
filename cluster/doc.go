// Package cluster is clusterplay's engine: given a clip and a list of hosts
// (HTTP, HTTPS, RTMP, RTMPS base URLs), Resolve finds a host that serves it
// and returns the clip's URL there, fast, publishing every step as an event
// (events.Connect, ConnectFailed, Skip, Redirect, Resolved, Failed, ...).
// It is Flowplayer's Cluster plugin (connectTimeout, connectCount,
// failureExpiry, loadBalance) grown up:
//
//   - An attempt checks a host as the player would start on it (probe_*.go):
//     a byte of the clip over HTTP(S), or the RTMP play command up to the
//     first media message (through package cluster/rtmp); ProbeConnect and
//     ProbeNone check less, for servers a probe would use up. Each
//     attempt's phases (DNS, connect, TLS, first byte, handshake, play) are
//     timed (stopwatch.go) and its failure is classed (errclass.go).
//   - A pass races the hosts as Happy Eyeballs does (race.go): the next
//     host starts when the one before has had RaceDelay to answer, or at
//     once when it fails, at most MaxInflight at a time; the first success
//     wins and the others are cancelled. ConnectCount passes are made.
//   - The order of a pass is a selection policy's (selector.go,
//     policies.go: ordered, random, weighted, fastest).
//   - The failure memory (memory.go) skips a host that failed within
//     FailureExpiry and learns how fast each host answers; it is kept in a
//     file under the state directory (store.go, locked against concurrent
//     processes by filelock_*.go). A memory in which every host is failed
//     is no dead end: then all are tried, the oldest failure first.
//
// When the serving host fails mid-play, the playback session (or the relay,
// mid-response) marks it failed (MarkFailed) and resolves again among the
// others (ResolveExcept). The engine knows nothing of the player or the
// screen: it imports only events, logging and its RTMP client.
package cluster
