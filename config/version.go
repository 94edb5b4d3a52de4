package config

import (
	"runtime/debug"
	"strings"
)

// Version is the line --version prints: clusterplay, the version, and the
// source revision it was built from, as the Go toolchain stamped them in
// the binary. stamped is a version set at link time (-X main.version);
// "" or "dev" leaves the module's. A build from a checkout reads
//
//	clusterplay v0.0.0-20260425163000-b09f91e3c2d1+dirty (rev b09f91e3c2d1…, modified)
//
// and a build without VCS information (go build -buildvcs=false) says so.
func Version(stamped string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return versionLine(stamped, nil)
	}
	return versionLine(stamped, info)
}

// versionLine words the version of a build described by info (nil: none
// known).
func versionLine(stamped string, info *debug.BuildInfo) string {
	version := stamped
	if version == "dev" {
		version = ""
	}
	var rev string
	var modified bool
	if info != nil {
		if version == "" && info.Main.Version != "" {
			version = info.Main.Version // "(devel)" when the toolchain knows none
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if version == "" {
		version = "(devel)"
	}
	var details []string
	switch {
	case rev != "":
		details = append(details, "rev "+rev)
	default:
		details = append(details, "no revision recorded")
	}
	if modified {
		details = append(details, "modified")
	}
	return "clusterplay " + version + " (" + strings.Join(details, ", ") + ")"
}
