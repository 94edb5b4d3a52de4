package config

import (
	"strings"
	"time"

	"clusterplay/cluster"
	"clusterplay/defaults"
	"clusterplay/logging"
	"clusterplay/steering"
	"clusterplay/variants"
	"clusterplay/verdict"
	"clusterplay/video"
)

// table describes every setting, once, in the order --help lists them.
// Adding an ordinary setting is one entry here plus its Config field (and
// the row of docs/flags.md, which a test holds to this table). The engine's defaults
// and policy names come from package cluster.
var table = []entry{
	// Cluster. netConnectionUrl is a key of Flowplayer's without a flag.
	&setting[[]cluster.HostSpec]{
		flag: "host", key: "hosts", group: clusterGroup,
		help:  "host base `URL` (http, https, rtmp, rtmps); repeat for more, in priority order; replaces the config file's hosts and " + EnvHosts + " (a URL with a token: see Secrets below)",
		codec: asHosts, checkParsed: checkHostURLs,
		field: func(c *Config) *[]cluster.HostSpec { return &c.Hosts },
	},
	&setting[[]cluster.HostSpec]{
		flag: "mirror", key: "mirror", group: clusterGroup,
		help:  "another host `URL` serving the same clips, added to the others (a whole clip URL counts as its directory); repeatable",
		codec: asHosts, checkParsed: checkHostURLs,
		field: func(c *Config) *[]cluster.HostSpec { return &c.Mirrors },
	},
	bind(&settings.netConnectionURL, &setting[string]{
		key:   "netConnectionUrl", // the only host when hosts is empty: see finishHosts
		codec: asString,
		field: func(c *Config) *string { return &c.NetConnectionURL },
	}),
	bind(&settings.clusterName, &setting[string]{
		flag: "cluster", group: clusterGroup,
		help:  "use the named cluster `NAME` from the config file's clusters",
		codec: asString,
		field: func(c *Config) *string { return &c.ClusterName },
	}),
	&setting[time.Duration]{
		flag: "connect-timeout", key: "connectTimeout", group: clusterGroup,
		help:  "time one connection attempt may take",
		codec: asDuration, def: cluster.DefaultConnectTimeout, check: positive,
		field: func(c *Config) *time.Duration { return &c.Cluster.ConnectTimeout },
	},
	&setting[int]{
		flag: "connect-count", key: "connectCount", group: clusterGroup,
		help:  "passes over the host list before giving up",
		codec: asInt, def: cluster.DefaultConnectCount, check: atLeastOne,
		field: func(c *Config) *int { return &c.Cluster.ConnectCount },
	},
	&setting[time.Duration]{
		flag: "failure-expiry", key: "failureExpiry", group: clusterGroup,
		help:  "how long a failed host is skipped (0 = not remembered)",
		codec: asDuration, def: cluster.DefaultFailureExpiry, check: nonNegative,
		field: func(c *Config) *time.Duration { return &c.Cluster.FailureExpiry },
	},
	bind(&settings.loadBalance, &setting[bool]{
		flag: "load-balance", key: "loadBalance", group: clusterGroup,
		help:  "shuffle the hosts on every pass (same as --select random)",
		codec: asSwitch,
		field: func(c *Config) *bool { return &c.Cluster.LoadBalance },
	}),
	bind(&settings.selectPolicy, &setting[string]{
		flag: "select", key: "select", group: clusterGroup,
		help:  "host selection policy: " + orList(selectPolicies) + " (default ordered, or random with --load-balance)",
		doc:   cluster.PolicyOrdered,
		codec: oneOfCodec("policy", selectPolicies), // "" until finish weighs loadBalance
		field: func(c *Config) *string { return &c.Cluster.Select },
	}),
	bind(&settings.raceDelay, &setting[time.Duration]{
		flag: "race-delay", key: "raceDelay", group: clusterGroup,
		help: "head start of one attempt before the next host is tried alongside it; off or 0 = one at a time; kept within [" +
			cluster.MinRaceDelay.String() + ", connect-timeout]",
		codec: asDurationOrOff, def: cluster.DefaultRaceDelay, check: nonNegative,
		field: func(c *Config) *time.Duration { return &c.Cluster.RaceDelay },
	}),
	&setting[int]{
		flag: "max-inflight", key: "maxInflight", group: clusterGroup,
		help:  "attempts connecting at the same time",
		codec: asInt, def: cluster.DefaultMaxInflight, check: atLeastOne,
		field: func(c *Config) *int { return &c.Cluster.MaxInflight },
	},
	&setting[time.Duration]{
		flag: "stall-timeout", key: "stallTimeout", group: clusterGroup,
		help:  "playback stall after which the next host is tried",
		codec: asDuration, def: DefaultStallTimeout, check: positive,
		field: func(c *Config) *time.Duration { return &c.StallTimeout },
	},
	&setting[string]{
		flag: "probe", key: "probe", group: clusterGroup,
		help:  "what an attempt checks: full (the clip itself), connect (the TCP and TLS connect alone) or none (the player's load is the attempt)",
		codec: oneOfCodec("mode", cluster.ProbeModes), def: cluster.ProbeFull,
		field: func(c *Config) *string { return &c.Cluster.Probe },
	},
	&setting[[][2]string]{
		flag: "http-header", key: "httpHeaders", group: clusterGroup,
		help:  "send the HTTP header `'Name: value'` with every request to the hosts (probes, mpv, the relay); repeatable; values are shown redacted (a token: see Secrets below, or " + EnvHTTPHeaders + ")",
		codec: asHeaders, merge: mergeHeaders,
		field: func(c *Config) *[][2]string { return &c.HTTPHeaders },
	},
	&setting[string]{
		flag: "user-agent", key: "userAgent", group: clusterGroup,
		help:  "the User-Agent of every request to the hosts (probes, mpv, the relay)",
		codec: asString, def: DefaultUserAgent,
		field: func(c *Config) *string { return &c.UserAgent },
	},
	&setting[string]{
		flag: "referer", key: "referer", group: clusterGroup,
		alias: "referrer", keyAlias: "referrer", // mpv's spelling
		help:  "the Referer of every request to the hosts (probes, mpv, the relay)",
		codec: asString,
		field: func(c *Config) *string { return &c.Referer },
	},
	&setting[bool]{
		flag: "relay", key: "relay", group: clusterGroup,
		help:  "play HTTP(S) hosts through the local relay, which moves a response to another host mid-stream; --relay=off plays directly",
		codec: asSwitch, def: true,
		field: func(c *Config) *bool { return &c.Relay },
	},
	&setting[time.Duration]{
		flag: "read-timeout", key: "readTimeout", group: clusterGroup,
		help:  "relay: a host that sends no byte this long while the player reads is left for another, mid-response (the upper bound: sooner, half the seconds the player holds, while that is known)",
		codec: asDuration, def: defaults.ReadTimeout, check: positive,
		field: func(c *Config) *time.Duration { return &c.ReadTimeout },
	},
	&setting[time.Duration]{
		flag: "slow-timeout", key: "slowTimeout", group: clusterGroup,
		help:  "relay: a player starved this long by a host slower than the stream moves to another host (without buffer information; with it, when a response would end after the buffer runs out)",
		codec: asDuration, def: defaults.SlowTimeout, check: positive,
		field: func(c *Config) *time.Duration { return &c.SlowTimeout },
	},
	// Hedged requests (docs/relay.md#hedged-requests).
	&setting[bool]{
		flag: "hedge", key: "hedge", group: clusterGroup,
		help:  "relay: when a response's first byte is later than the host's recent p95, send the same request to the next host too; the first to send a byte serves; --hedge=off sends none",
		codec: asSwitch, def: true,
		field: func(c *Config) *bool { return &c.Hedge },
	},
	&setting[float64]{
		flag: "hedge-budget", key: "hedgeBudget", group: clusterGroup,
		help:  "relay: hedges at most `PERCENT` of the requests of the last minute, plus 2",
		codec: asPercent, def: defaults.HedgeBudget, check: percentRange,
		field: func(c *Config) *float64 { return &c.HedgeBudget },
	},
	// Fail-back (docs/failback.md).
	&setting[bool]{
		flag: "fail-back", key: "failBack", group: clusterGroup,
		help:  "move back to a host that failed and recovered, when the policy ranks it above the serving one (through the relay at a request boundary, else by a reload); --fail-back=off stays on the serving host",
		codec: asSwitch, def: true,
		field: func(c *Config) *bool { return &c.FailBack },
	},
	&setting[time.Duration]{
		flag: "fail-back-probe", key: "failBackProbe", group: clusterGroup,
		help:  "a recovered host is asked for a few bytes at most this often, in the background",
		codec: asDuration, def: defaults.FailBackProbe, check: positive,
		field: func(c *Config) *time.Duration { return &c.FailBackProbe },
	},
	&setting[time.Duration]{
		flag: "fail-back-after", key: "failBackAfter", group: clusterGroup,
		help:  "no fail-back sooner than this after the last move, nor before the host has answered well this long",
		codec: asDuration, def: defaults.FailBackAfter, check: positive,
		field: func(c *Config) *time.Duration { return &c.FailBackAfter },
	},
	// Issue 20's verdicts and CMCD.
	&setting[string]{
		flag: "cmcd", key: "cmcd", group: clusterGroup,
		help:  "send Common Media Client Data (CTA-5004) with every request to the hosts: " + orList(cmcdModes) + "; the session id is in the report",
		codec: oneOfCodec("mode", cmcdModes), def: cmcdModes[0],
		field: func(c *Config) *string { return &c.CMCD },
	},
	&setting[string]{
		flag: "cmcd-content-id", key: "cmcdContentId", group: clusterGroup,
		help:  "CMCD's content id `ID` (cid) of the clip, so a CDN's logs name it; default none",
		codec: asString, check: checkContentID,
		field: func(c *Config) *string { return &c.CMCDContentID },
	},
	// Issue 22's quality names (package variants).
	&setting[string]{
		flag: "quality", key: "quality", group: clusterGroup,
		help:  "the variant `NAME` of an HLS or DASH clip: best, worst, auto (adapts to the network), a height (720p), a bitrate (1500k: the highest at most that), a comma list of fallbacks (720p,480p,best); list prints the variants and exits",
		codec: asString, def: variants.Auto, check: variants.Check,
		field: func(c *Config) *string { return &c.Quality },
	},
	&setting[string]{
		flag: "quality-max", key: "qualityMax", group: clusterGroup,
		help:  "the highest variant `NAME` --quality auto may play: a height (720p) or a bitrate (3000k); default none",
		codec: asString, check: variants.CheckBound,
		field: func(c *Config) *string { return &c.QualityMax },
	},
	&setting[string]{
		flag: "quality-min", key: "qualityMin", group: clusterGroup,
		help:  "the lowest variant `NAME` --quality auto may play: a height (480p) or a bitrate (800k); default none",
		codec: asString, check: variants.CheckBound,
		field: func(c *Config) *string { return &c.QualityMin },
	},
	&setting[[]verdict.Condition]{
		flag: "fail-if", key: "failIf", group: outputGroup,
		help:  "exit 4 when the condition `EXPR` holds at exit over the report's numbers (e.g. 'stalls > 0', 'host[1].relay_bytes == 0') and the run itself went well; repeatable",
		codec: asConditions, merge: mergeConditions,
		field: func(c *Config) *[]verdict.Condition { return &c.FailIf },
	},

	// Fault plans (docs/faults.md).
	&setting[string]{
		flag: "faults", key: "faults", group: clusterGroup,
		help:  "inject the faults of the plan `FILE` (YAML) into what the relay gets from the hosts and into attempts",
		codec: asPath,
		field: func(c *Config) *string { return &c.Faults },
	},
	// The stream's own alternatives (docs/steering.md).
	&setting[time.Duration]{
		flag: "pathway-penalty", key: "pathwayPenalty", group: clusterGroup,
		help:  "a stream's pathway (or BaseURL) whose request failed is passed over this long, then tried again",
		codec: asDuration, def: steering.DefaultPenalty, check: positive,
		field: func(c *Config) *time.Duration { return &c.PathwayPenalty },
	},
	&setting[string]{
		flag: "steering-override", key: "steeringOverride", group: clusterGroup,
		help:  "steer the stream by the local steering manifest `FILE` (JSON), re-read within 1 s of a change, instead of asking its steering server",
		codec: asPath,
		field: func(c *Config) *string { return &c.SteeringOverride },
	},
	&setting[bool]{
		flag: "insecure", key: "insecure", group: clusterGroup,
		help:  "skip TLS certificate verification",
		codec: asSwitch,
		field: func(c *Config) *bool { return &c.Cluster.Insecure },
	},
	&setting[string]{
		flag: "state-dir", key: "stateDir", group: clusterGroup,
		help:  "`DIR` for state kept between runs (default $XDG_STATE_HOME/clusterplay or ~/.local/state/clusterplay)",
		doc:   "$XDG_STATE_HOME/clusterplay", // from the environment: see finish
		codec: asStateDir,
		field: func(c *Config) *string { return &c.StateDir },
	},

	// Player (mpv)
	bind(&settings.video, &setting[string]{
		flag: "video", key: "video", group: playerGroup,
		help: "where the picture goes: auto (window when a display answers, else terminal), window (mpv's own), " +
			"terminal (a pane in the terminal UI; without the UI, window) or none",
		codec: oneOfCodec("mode", video.Modes), def: VideoAuto,
		field: func(c *Config) *string { return &c.Player.Video },
	}),
	bind(&settings.noVideo, &setting[bool]{
		flag: "no-video", key: "noVideo", group: playerGroup,
		help:  "no window, no picture and no sound (mpv's vo and ao null; the same as --video none): a headless player for CDN testing and CI; events still flow",
		codec: asSwitch,
		field: func(c *Config) *bool { return &c.Player.NoVideo },
	}),
	&setting[int]{
		flag: "pane-fps", key: "paneFps", group: playerGroup,
		help:  "draw at most `N` pictures a second in the terminal pane (1 to 60)",
		codec: asInt, def: DefaultPaneFPS, check: paneFPSRange,
		field: func(c *Config) *int { return &c.Player.PaneFPS },
	},
	&setting[string]{
		flag: "vo", key: "vo", group: playerGroup,
		help:  "mpv video output `driver`",
		doc:   "mpv's",
		codec: asString,
		field: func(c *Config) *string { return &c.Player.VO },
	},
	&setting[string]{
		flag: "ao", key: "ao", group: playerGroup,
		help:  "mpv audio output `driver`",
		doc:   "mpv's",
		codec: asString,
		field: func(c *Config) *string { return &c.Player.AO },
	},
	bind(&settings.volume, &setting[*float64]{
		flag: "volume", key: "volume", group: playerGroup,
		help:  "start `level`, 0 to 100 (up to 130, or mpv's volume-max); default mpv's",
		doc:   "mpv's",
		codec: optional(asNumber), check: volumeRange, // and below volume-max: see finishPlayer
		field: func(c *Config) **float64 { return &c.Player.Volume },
	}),
	&setting[time.Duration]{
		flag: "start", key: "start", group: playerGroup,
		help:  "start `position`, e.g. 1m30s or 90, as mpv's --start",
		codec: asPlayerDuration, check: nonNegative,
		field: func(c *Config) *time.Duration { return &c.Player.Start },
	},
	&setting[bool]{
		flag: "loop-playlist", key: "loopPlaylist", group: playerGroup,
		alias: "loop", keyAlias: "loop", // clusterplay's first name for it
		help:  "play the CLIPs again from the first when the last has ended (mpv's --loop-playlist)",
		codec: asSwitch,
		field: func(c *Config) *bool { return &c.Loop },
	},
	&setting[bool]{
		flag: "fullscreen", key: "fullscreen", group: playerGroup,
		help:  "start in fullscreen",
		codec: asSwitch,
		field: func(c *Config) *bool { return &c.Player.Fullscreen },
	},
	&setting[bool]{
		flag: "no-mpv-config", key: "mpvConfig", group: playerGroup,
		help:  "ignore the user's mpv.conf",
		codec: asOffSwitch, def: true,
		field: func(c *Config) *bool { return &c.Player.MpvConfig },
	},
	&setting[[][2]string]{
		flag: "mpv", key: "mpv", group: playerGroup,
		help:  "pass an option to mpv, e.g. --mpv hwdec=auto; repeatable",
		codec: asMpv, merge: mergeMpv, // --mpv adds to the file's options
		field: func(c *Config) *[][2]string { return &c.Player.Extra },
	},

	// Output: the run's mode, not configuration, so no file keys; but
	// for the report, which a tester sets once for every run.
	&setting[bool]{
		flag: "print-url", group: outputGroup,
		help:  "print the URL of the host that answers, then exit",
		codec: asSwitch,
		field: func(c *Config) *bool { return &c.PrintURL },
	},
	&setting[bool]{
		flag: "json", group: outputGroup,
		help:  "write events as JSON lines",
		codec: asSwitch,
		field: func(c *Config) *bool { return &c.JSON },
	},
	&setting[bool]{
		flag: "quiet", short: "q", group: outputGroup,
		help:  "plain lines: errors only (no host answered, playback failed), no warnings",
		codec: asSwitch,
		field: func(c *Config) *bool { return &c.Quiet },
	},
	&setting[bool]{
		flag: "no-tui", group: outputGroup,
		help:  "no terminal UI; plain log lines",
		codec: asSwitch,
		field: func(c *Config) *bool { return &c.NoTUI },
	},
	&setting[string]{
		flag: "listen", group: outputGroup,
		help:  "clusterplay relay: the `ADDR` to serve on (default 127.0.0.1 on a free port)",
		doc:   "127.0.0.1:0",
		codec: asString,
		field: func(c *Config) *string { return &c.Listen },
	},
	&setting[bool]{
		flag: "listen-public", group: outputGroup,
		help:  "clusterplay relay: allow --listen on an address other than loopback",
		codec: asSwitch,
		field: func(c *Config) *bool { return &c.ListenPublic },
	},
	&setting[string]{
		flag: "control-socket", key: "controlSocket", group: outputGroup,
		help:  "listen for commands and send events on the Unix socket `PATH` (mpv's JSON IPC; see clusterplay ctl)",
		codec: asPath,
		field: func(c *Config) *string { return &c.ControlSocket },
	},
	&setting[bool]{
		flag: "control-socket-allow-run", group: outputGroup,
		help:  "let the control socket's clients run programs and load code through mpv (run, subprocess, load-script, filters, scripts' options)",
		codec: asSwitch,
		field: func(c *Config) *bool { return &c.ControlSocketAllowRun },
	},
	&setting[string]{
		flag: "report", key: "report", group: outputGroup,
		help:  "at exit, write a report of the run (per host and in total) to `FILE`; - = stdout, after the events",
		codec: asOutputFile,
		field: func(c *Config) *string { return &c.Report },
	},
	&setting[string]{
		flag: "report-format", key: "reportFormat", group: outputGroup,
		help:  "the report's `format`: " + orList(reportFormats),
		codec: oneOfCodec("format", reportFormats), def: reportFormats[0],
		field: func(c *Config) *string { return &c.ReportFormat },
	},
	bind(&settings.demo, &setting[string]{
		flag: "demo", group: outputGroup,
		help:  "run a built-in demo against local hosts: failover, or balance with --demo=balance",
		codec: oneOfCodec("", []string{"failover", "balance"}), noOpt: "failover",
		field: func(c *Config) *string { return &c.Demo },
	}),

	// Logs: the original plugin's log: { level, filter }.
	&setting[string]{
		flag: "log-level", key: "logLevel", group: logGroup,
		help:  "log lines of this `level` and above: " + orList(logging.Levels),
		codec: oneOfCodec("level", logging.Levels), def: "warn",
		field: func(c *Config) *string { return &c.Log.Level },
	},
	&setting[string]{
		flag: "log-file", key: "logFile", group: logGroup,
		help:  "write the log to `FILE`, replaced each run (default stderr; under the terminal UI the state dir's " + logging.FileName + ")",
		doc:   "stderr, or $XDG_STATE_HOME/clusterplay/" + logging.FileName + " in the TUI",
		codec: asFileName,
		field: func(c *Config) *string { return &c.Log.File },
	},
	&setting[string]{
		flag: "log-filter", key: "logFilter", group: logGroup,
		help: "log only these components: comma-separated glob `patterns` on " + strings.Join(logging.Components, ", ") +
			"; name.* also matches name",
		codec: asString, def: "*", check: checkLogFilter,
		field: func(c *Config) *string { return &c.Log.Filter },
	},
	&setting[string]{
		flag: "log-format", key: "logFormat", group: logGroup,
		help:  "log line `format`: " + orList(logging.Formats),
		codec: oneOfCodec("format", logging.Formats), def: "text",
		field: func(c *Config) *string { return &c.Log.Format },
	},

	// General: acted on by Load itself.
	bind(&settings.configFile, &setting[string]{
		flag: "config", group: generalGroup,
		help:  "config `FILE` (YAML or JSON); \"\" = none (default $XDG_CONFIG_HOME/clusterplay/config.yaml, if present)",
		doc:   "$XDG_CONFIG_HOME/clusterplay/config.yaml if present",
		codec: asString,
	}),
	bind(&settings.help, &setting[bool]{flag: "help", short: "h", group: generalGroup, help: "show this help", codec: asSwitch}),
	bind(&settings.version, &setting[bool]{flag: "version", group: generalGroup, help: "show the version", codec: asSwitch}),
}

// settings are the entries that code outside the table refers to: Load
// for the flags it acts on, finish for the rules that span settings.
// bind fills them in as the table is built, so that each is still
// described only there.
var settings struct {
	netConnectionURL *setting[string]
	clusterName      *setting[string]
	loadBalance      *setting[bool]
	selectPolicy     *setting[string]
	raceDelay        *setting[time.Duration]
	volume           *setting[*float64]
	video            *setting[string]
	noVideo          *setting[bool]
	demo             *setting[string]
	configFile       *setting[string]
	help, version    *setting[bool]
}

func bind[T any](name **setting[T], s *setting[T]) entry {
	*name = s
	return s
}
