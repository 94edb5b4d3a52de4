//go:build !linux || 386

package loopback

import "net"

// Elsewhere Hang falls back to Silent: the backlog-0 trick and the
// TCP_INFO check it relies on are Linux behaviour.
func listenNoAccept() (int, string, error) { return -1, "", errUnsupported }

func closeFD(int) error { return nil }

func acceptQueueFull(int) (bool, error) { return false, errUnsupported }

// unsentBytes cannot be read here, so CutAfter resets without waiting for
// the peer's acknowledgement; a cut may then deliver fewer than n bytes.
func unsentBytes(net.Conn) int { return 0 }
