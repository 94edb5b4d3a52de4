//go:build !unix

package app

import "os"

// openReport opens the report's file for writing, created or truncated.
// Outside Unix there is no named pipe in the file system to wait on.
func openReport(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
}
