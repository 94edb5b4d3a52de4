//go:build !unix

package logging

// noFollow is 0 where the system has no O_NOFOLLOW (Windows), where
// creating a symlink takes a privilege an attacker would need first.
const noFollow = 0
