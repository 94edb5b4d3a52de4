// Command clusterplay plays a clip from the first host of a cluster that
// answers, shows every connection attempt as it happens, and keeps playing
// when that host dies. Everything it does is in package app; see
// docs/architecture.md for the house.
package main

import (
	"os"

	"clusterplay/app"
)

func main() {
	os.Exit(app.Run(os.Args[1:], os.Stdout, os.Stderr))
}
