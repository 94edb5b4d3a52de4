// Package house holds no code of the program: its tests keep the shape of
// the whole repository, the rules a new maintainer relies on when reading
// it. Every non-test Go file is at most 500 lines and every function at
// most 80, and every package says what it is for in its doc comment.
//
// The tests read the source as files (go/parser), so they need no build of
// the packages they check and run in the unit tier (-short, CGO_ENABLED=0).
package house
