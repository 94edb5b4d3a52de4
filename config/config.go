// Package config turns the command line, the environment and an optional
// YAML or JSON config file into one validated Config.
//
// Precedence is flags > named cluster > file > defaults, per setting: a flag
// counts only when it was given, so a file value survives unless the user
// overrides it. Every setting is described once, in table.go. The
// file may be a Flowplayer Cluster plugin block pasted as is (converted to
// JSON or YAML), so the plugin's key names and units (milliseconds) are kept.
package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"clusterplay/defaults"
	"clusterplay/video"

	"clusterplay/cluster"
	"clusterplay/faults"
	"clusterplay/verdict"
)

// Config is everything the program needs to start.
type Config struct {
	Clip             string             // the first CLIP; "" = none given, the caller decides
	Clips            []string           // every CLIP, in order: a playlist when more than one
	Mirrors          []cluster.HostSpec // --mirror: hosts added to the others
	Loop             bool               // --loop: the playlist again from its start
	Hosts            []cluster.HostSpec
	Cluster          cluster.Options
	ClusterName      string   // --cluster NAME
	ConfigFile       string   // file actually loaded ("" = none)
	StateDir         string   // "" only when neither XDG_STATE_HOME nor HOME is set
	NetConnectionURL string   // Flowplayer's netConnectionUrl; the only host when hosts is empty
	Notices          []string // one-line notices for stderr
	PrintURL         bool
	JSON             bool
	NoTUI            bool
	Quiet            bool   // plain lines: errors only
	ControlSocket    string // "" = none
	Demo             string // "" | "failover" | "balance"
	Report           string // --report FILE: "" = none, "-" = stdout
	ReportFormat     string // one of reportFormats
	Player           PlayerConfig
	StallTimeout     time.Duration
	HTTPHeaders      [][2]string   // every request to the hosts carries these
	UserAgent        string        // DefaultUserAgent unless given; "" = the player's own
	Referer          string        // "" = none
	Relay            bool          // play HTTP hosts through the relay
	ReadTimeout      time.Duration // relay: no byte this long leaves a host (the bound of the buffer's deadline)
	SlowTimeout      time.Duration // relay: starved this long by a slow host leaves it (without buffer information)
	Hedge            bool          // relay: a request whose first byte is late goes to a second host too
	HedgeBudget      float64       // relay: hedges at most this percent of the last minute's requests, plus 2
	FailBack         bool          // move back to a recovered host ranked above the serving one
	FailBackProbe    time.Duration // a recovered host is probed at most this often
	FailBackAfter    time.Duration // no fail-back sooner than this after a move
	Listen           string        // clusterplay relay: the address to serve on
	ListenPublic     bool          // clusterplay relay: a non-loopback Listen is allowed
	Log              LogConfig
	// FailIf are --fail-if's conditions; CMCD is --cmcd's mode (off, query
	// or header) and CMCDContentID its cid.
	FailIf        []verdict.Condition
	CMCD          string
	CMCDContentID string
	// Quality is --quality (best, worst, auto, 720p, 1500k, a comma list,
	// or list); QualityMin and QualityMax bound auto.
	Quality, QualityMin, QualityMax string

	// ControlSocketAllowRun lets socket clients run mpv's run,
	// subprocess, load-script and the like.
	ControlSocketAllowRun bool
	Faults                string       // --faults FILE: "" = none
	FaultPlan             *faults.Plan // the plan read from Faults; nil when none
	// The stream's own alternatives (docs/steering.md).
	PathwayPenalty   time.Duration // a failing pathway is passed over this long
	SteeringOverride string        // a local steering manifest; "" = the server's
}

// LogConfig is the diagnostic log (package logging), as given: the words
// are checked here, and turned into a logger by the program.
type LogConfig struct {
	Level  string // debug, info, warn or error
	File   string // "" = the default: stderr, or the state dir's clusterplay.log under the TUI
	Filter string // glob patterns on component names, comma separated; "" or "*" = all
	Format string // text or json
}

// PlayerConfig is what the mpv backend is started with.
type PlayerConfig struct {
	Video      string // VideoAuto, VideoWindow, VideoTerminal or VideoNone; NoVideo makes it none
	PaneFPS    int    // most pictures a second in the terminal pane
	NoVideo    bool
	VO, AO     string
	Volume     *float64 // nil = leave mpv's own default
	Start      time.Duration
	Fullscreen bool
	MpvConfig  bool        // load the user's mpv.conf; default true
	Extra      [][2]string // raw mpv options NAME=VALUE, in order
}

// Where the picture goes (--video), in package video's words.
const (
	VideoAuto     = video.Auto
	VideoWindow   = video.Window
	VideoTerminal = video.Terminal
	VideoNone     = video.None
)

// DefaultPaneFPS is the terminal pane's picture rate cap, about the frame
// rate of most clips: the player's default too (package defaults).
const DefaultPaneFPS = defaults.PaneFPS

// DefaultStallTimeout is how long playback may stall before the next host
// takes over: the session's default too (package defaults).
const DefaultStallTimeout = defaults.StallTimeout

// DefaultUserAgent is the User-Agent every request to the hosts carries
// unless --user-agent says otherwise: the player's requests too, which
// would otherwise say libmpv.
const DefaultUserAgent = cluster.DefaultUserAgent

// UsageError is a mistake in the command line or the config file. Its
// message is one line meant to follow "clusterplay: "; the program exits 2.
type UsageError struct {
	Msg string
}

func (e *UsageError) Error() string { return e.Msg }

func usagef(format string, args ...any) *UsageError {
	return &UsageError{Msg: oneLine(fmt.Sprintf(format, args...))}
}

// oneLine escapes control characters as Go does in a quoted string. Most
// values are quoted already, but a key path, a cluster name or a file name
// is not, and a newline or an escape sequence in one would forge a line or
// drive the terminal.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var (
	// ErrHelp is returned for --help or -h: print Usage() to stdout, exit 0.
	ErrHelp = errors.New("help requested")
	// ErrVersion is returned for --version: print the version, exit 0.
	ErrVersion = errors.New("version requested")
)

// Load parses args (without the program name), reads the config file and
// returns the merged, validated configuration. env is os.Getenv in
// production; tests inject HOME, XDG_CONFIG_HOME and XDG_STATE_HOME (nil
// is an empty environment: no default config file, no default StateDir).
// Every user mistake is a *UsageError; ErrHelp and ErrVersion are requests.
func Load(args []string, env func(string) string) (*Config, error) {
	if env == nil {
		env = func(string) string { return "" }
	}
	flags := &layer{}
	fs := newFlagSet(flags)
	if err := fs.Parse(args); err != nil {
		return nil, flagError(err)
	}
	// Help wins over everything else on the line, as users expect.
	if settings.help.in(flags).v {
		return nil, ErrHelp
	}
	if settings.version.in(flags).v {
		return nil, ErrVersion
	}

	cfg := &Config{}
	if err := positional(cfg, fs.Args(), settings.demo.in(flags).v); err != nil {
		return nil, err
	}
	for _, e := range table {
		if err := e.checkFlag(flags); err != nil {
			return nil, err
		}
	}

	// The config file: --config FILE must exist; the default one is optional.
	// --config "" skips the default file.
	configFlag := settings.configFile.in(flags)
	path, explicit := configFlag.v, configFlag.set
	if !explicit {
		path = defaultConfigPath(env)
	}
	var fc *fileConfig
	if path != "" {
		var err error
		if fc, err = loadFile(path, explicit, env); err != nil {
			return nil, err
		}
	}
	top := &layer{}
	if fc != nil {
		cfg.ConfigFile = path
		top = &fc.top
	}
	named, err := chooseCluster(fc, settings.clusterName.in(flags).v, path)
	if err != nil {
		return nil, err
	}

	fromEnv, err := envLayer(env)
	if err != nil {
		return nil, err
	}
	if err := finish(cfg, merge(top, named, fromEnv, flags), fc, env); err != nil {
		return nil, err
	}
	return cfg, nil
}

// positional takes the optional CLIP argument.
func positional(cfg *Config, args []string, demo string) error {
	if len(args) > 0 {
		cfg.Clip, cfg.Clips = args[0], append([]string(nil), args...)
	}
	// --demo has an optional value, so "--demo balance" parses as the
	// default demo plus a clip named "balance": say how to write it.
	if demo != "" && (cfg.Clip == "failover" || cfg.Clip == "balance") {
		return usagef("--demo takes its value after '=': use --demo=%s", cfg.Clip)
	}
	return nil
}
