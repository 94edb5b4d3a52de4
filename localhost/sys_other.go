//go:build !linux || 386

package localhost

// Elsewhere Hang falls back to Silent: the backlog-0 trick and the
// TCP_INFO check it relies on are Linux behaviour.
func listenNoAccept() (int, string, error) { return -1, "", ErrUnsupported }

func closeFD(int) error { return nil }

func acceptQueueFull(int) (bool, error) { return false, ErrUnsupported }
