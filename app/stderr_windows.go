package app

import "os"

// divertStderr diverts nothing on Windows. The diversion elsewhere rests on
// dup2 over file descriptor 2, and Windows has nothing that reaches the C
// runtime's stderr inside libmpv that way: SetStdHandle only changes what
// later GetStdHandle calls return. The pure-Go Windows build has no libmpv
// writing there at all; a cgo build would let libmpv's messages reach the
// console, which is untidy but harmless.
func divertStderr(string) (real *os.File, restore func()) {
	return os.Stderr, func() {}
}
