// Package e2e is the end-to-end tier of clusterplay's tests: its TestMain
// builds the binary once, and the tests drive it as a user would, against
// real servers on loopback (loopback/'s fault hosts, nginx and
// nginx-rtmp), real libmpv, and tmux for the TUI, checking what comes out
// (exit codes, events, JSON, the screen). It holds no code of the program,
// and it is left out of the unit tier: under go test -short it does not
// run.
package e2e
