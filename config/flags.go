package config

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// newFlagSet defines a flag for every setting that has one, each putting
// its value in l when given. It is rebuilt per Load so that parsing has no
// shared state.
func newFlagSet(l *layer) *pflag.FlagSet {
	fs := pflag.NewFlagSet("clusterplay", pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned, never printed here
	fs.SortFlags = false
	for _, e := range table {
		e.addFlag(fs, l)
	}
	return fs
}

// flagError turns pflag's error into a one-line UsageError. pflag's
// "invalid argument "2x" for "--connect-timeout" flag: ..." repeats the
// value our own causes already quote, so those become "--flag: cause".
func flagError(err error) error {
	var inv *pflag.InvalidValueError
	if errors.As(err, &inv) {
		return usagef("--%s: %s", inv.GetFlag().Name, firstLine(inv.Unwrap().Error()))
	}
	return usagef("%s", firstLine(err.Error()))
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Usage returns the help text: synopsis, every flag with its default, and
// the rules shared by flags and the config file.
func Usage() string {
	fs := newFlagSet(&layer{})
	var b strings.Builder
	b.WriteString(`Usage: clusterplay [flags] [CLIP...]
       clusterplay relay --listen ADDR [flags]
       clusterplay ctl SOCKET COMMAND [ARGS...]
       clusterplay report [--report-format FORMAT] REPORT.json... | DIR
       clusterplay steer [--listen ADDR] [--json] SCHEDULE.yaml

Plays CLIP (a path or URL, resolved against each host) from the first host
of the cluster that answers, failing over to the next one the way
Flowplayer's Cluster plugin did. Several CLIPs play one after the other. A
CLIP that is a URL, with no host given, is played from its directory.
"relay" serves the cluster to any player over HTTP; "ctl" sends a command
to a player's --control-socket ("clusterplay ctl --help" lists the
commands); "report" merges the --report files of many runs into one;
"steer" serves a Content Steering manifest from a schedule, for testers.
`)
	for g, title := range groupTitles {
		section := pflag.NewFlagSet(title, pflag.ContinueOnError)
		section.SortFlags = false
		for _, e := range table {
			if flag, _ := e.names(); flag != "" && e.section() == group(g) {
				section.AddFlag(fs.Lookup(flag))
				if alias, _ := e.aliases(); alias != "" {
					section.AddFlag(fs.Lookup(alias))
				}
			}
		}
		fmt.Fprintf(&b, "\n%s:\n%s", title, section.FlagUsagesWrapped(80))
	}
	b.WriteString(`
Durations are Go durations (1500ms, 2s, 1m30s) or a bare number, whose
unit each duration's help says: milliseconds for the cluster's settings
(2000 = 2s), as in Flowplayer configs, and seconds for --start (90 =
1m30s), as mpv reads it; the same holds for their config keys.

Settings are taken from flags, then the environment (hosts and headers,
below), then the config file, then the defaults. --host replaces the
file's hosts; --mpv options are added to the file's.
The config file is --config FILE, else $XDG_CONFIG_HOME/clusterplay/config.yaml
(~/.config/clusterplay/config.yaml) when it exists. It is YAML, or JSON when
named *.json, and may be a pasted Flowplayer Cluster plugin block. Each
Cluster and Player flag but --cluster, and --report, --report-format and
--fail-if, has a config key, its name in camelCase (--connect-timeout is
connectTimeout; --no-mpv-config is mpvConfig: false); named clusters in
the file are picked with --cluster.

Secrets: every user of the machine sees the command line (ps), so a token
in --host or --http-header is seen too. Put such hosts and headers in the
config file (hosts, httpHeaders; mode 0600) or in the environment, which
only your user can read: CLUSTERPLAY_HOSTS holds host URLs separated by
white space, as many --host; CLUSTERPLAY_HTTP_HEADERS holds 'Name: value'
lines, as many --http-header. A --host replaces the environment's hosts,
which replace the file's; headers are added, the later source winning by
name.

Exit codes: 0 resolved (--print-url) or played to the end or quit by the
user (q); 1 every host failed; 2 usage or configuration error; 3 playback
failed and no host could take over; 129 hung up (SIGHUP); 130 interrupted
(Ctrl-C, SIGTERM); 141 the output's reader went away.
`)
	return b.String()
}
