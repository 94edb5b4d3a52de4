// Package rtmp is the engine's RTMP client: just enough of RTMP to ask a
// server for a stream the way a player does (handshake, connect,
// createStream, play) and to see the first media message arrive, which
// proves the stream is there, and then to tell a player exactly what was
// asked (Play). It also turns a clip URL between the path form players use
// and the fragment form that says where the application ends (LibURL,
// PathForm).
//
// It drives gortmplib's lower layers (the handshake, the message writer,
// AMF0) with its own chunk reader (chunk.go), whose memory is bounded
// whatever a hostile server announces, and it reads at most a fixed budget
// from a connection. gortmplib's Client is not used: it reports a refused
// connect or play only as the text of its error, losing the status code
// and any redirect.
//
// The client knows nothing of the engine: it returns a *PhaseError when
// the connection failed in a phase and a *Refusal when the server said no,
// and the engine (cluster/probe_rtmp.go) dials, times the phases, follows
// redirects and classes those errors.
package rtmp
