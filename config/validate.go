package config

import (
	"fmt"
	"math"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"clusterplay/cluster"
	"clusterplay/faults"
	"clusterplay/logging"
)

// Range checks shared by the flags (run in pflag's Set) and the config
// file (run as each key is read), so both report the same rule.

func positive(d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("must be positive, got %v", d)
	}
	return nil
}

func nonNegative(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("must not be negative, got %v", d)
	}
	return nil
}

func atLeastOne(n int) error {
	if n < 1 {
		return fmt.Errorf("must be at least 1, got %d", n)
	}
	return nil
}

func nonNegativeInt(n int) error {
	if n < 0 {
		return fmt.Errorf("must not be negative, got %d", n)
	}
	return nil
}

// maxPaneFPS is as often as the terminal UI redraws at all.
const maxPaneFPS = 60

func paneFPSRange(n int) error {
	if n < 1 || n > maxPaneFPS {
		return fmt.Errorf("must be between 1 and %d, got %d", maxPaneFPS, n)
	}
	return nil
}

// maxVolume is mpv's own ceiling for volume-max; the default ceiling (130)
// is checked after merging, when --mpv volume-max is known.
const (
	maxVolume        = 1000
	defaultVolumeMax = 130
)

func volumeRange(p *float64) error {
	if v := *p; math.IsNaN(v) || v < 0 || v > maxVolume {
		return fmt.Errorf("must be between 0 and %d (or mpv's volume-max), got %v", defaultVolumeMax, v)
	}
	return nil
}

// checkLogFilter refuses a --log-filter that would silence the log by a
// typo: a malformed pattern, or one that matches no component.
func checkLogFilter(s string) error {
	_, err := logging.ParseFilter(s)
	return err
}

// selectPolicies come from the engine's registry, so a policy added there
// is accepted by --select and the select key, and listed in --help.
var selectPolicies = cluster.Policies()

// reportFormats are the report's formats, the default first; package
// report writes each.
var reportFormats = []string{"json", "markdown", "junit"}

// orList joins words for prose: "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// oneOf returns s in lower case if it is one of allowed.
func oneOf(s string, allowed []string) (string, error) {
	w := strings.ToLower(strings.TrimSpace(s))
	for _, a := range allowed {
		if w == a {
			return w, nil
		}
	}
	return "", fmt.Errorf("want one of %s, got %q", strings.Join(allowed, ", "), s)
}

// finish puts the merged settings m, or their defaults, into cfg, then
// checks what involves more than one setting.
func finish(cfg *Config, m *layer, fc *fileConfig, env func(string) string) error {
	for _, e := range table {
		e.apply(cfg, m)
	}
	o := &cfg.Cluster
	o.Header = requestHeader(cfg)

	// loadBalance is the plugin's switch for random order; an explicit
	// select wins, and the user hears that loadBalance did nothing.
	switch {
	case o.Select == "" && o.LoadBalance:
		o.Select = cluster.PolicyRandom
	case o.Select == "":
		o.Select = cluster.PolicyOrdered
	case o.LoadBalance && o.Select != cluster.PolicyRandom:
		m.notices = append(m.notices, fmt.Sprintf("config: loadBalance (%s) ignored: select is %s (%s)",
			settings.loadBalance.in(m).src, o.Select, settings.selectPolicy.in(m).src))
	}

	// A race delay below MinRaceDelay would start every attempt at once,
	// one above the connect timeout would never race: clamp, and say so.
	race := settings.raceDelay.in(m)
	switch {
	case o.RaceDelay == 0:
	case o.RaceDelay < cluster.MinRaceDelay:
		m.notices = append(m.notices, fmt.Sprintf("config: race delay %v (%s) raised to the %v minimum",
			o.RaceDelay, race.src, cluster.MinRaceDelay))
		o.RaceDelay = cluster.MinRaceDelay
	case o.RaceDelay > o.ConnectTimeout:
		// Only a delay the user chose is worth a notice; the default
		// simply follows a short connect timeout down.
		if race.set {
			m.notices = append(m.notices, fmt.Sprintf("config: race delay %v (%s) lowered to the connect timeout %v",
				o.RaceDelay, race.src, o.ConnectTimeout))
		}
		o.RaceDelay = o.ConnectTimeout
	}
	if err := o.Validate(); err != nil { // the per-key checks should make this unreachable
		return usagef("%v", err)
	}

	if err := finishHosts(cfg, m, fc); err != nil {
		return err
	}
	if cfg.StateDir == "" {
		if base := xdgDir(env, "XDG_STATE_HOME", ".local/state"); base != "" {
			cfg.StateDir = filepath.Join(base, "clusterplay")
		}
	}
	if err := finishPlayer(cfg, m); err != nil {
		return err
	}
	if cfg.Faults != "" {
		// A plan is read with the settings, so that a mistake in it ends
		// the run before any host is contacted, as the config's own do.
		data, err := readConfigFile(cfg.Faults)
		if err != nil {
			return usagef("faults: %v", err)
		}
		plan, err := faults.Parse(cfg.Faults, data)
		if err != nil {
			return usagef("%v", err)
		}
		cfg.FaultPlan = plan
	}
	for _, n := range m.notices { // they name the file, whose name may hold anything
		cfg.Notices = append(cfg.Notices, oneLine(n))
	}
	return nil
}

// finishHosts falls back to Flowplayer's netConnectionUrl, then insists on
// at least one host unless a demo brings its own.
func finishHosts(cfg *Config, m *layer, fc *fileConfig) error {
	if len(cfg.Hosts) == 0 && cfg.NetConnectionURL != "" {
		if _, err := cluster.ParseHostURL(cfg.NetConnectionURL); err != nil {
			return usagef("%s: %v", settings.netConnectionURL.in(m).src, err)
		}
		cfg.Hosts = []cluster.HostSpec{{URL: cfg.NetConnectionURL}}
	}
	if len(cfg.Hosts) == 0 && cfg.Demo == "" {
		if err := oneURL(cfg); err != nil {
			return err
		}
	}
	for _, m := range cfg.Mirrors {
		m.URL = mirrorBase(m.URL, cfg.Clip)
		cfg.Hosts = append(cfg.Hosts, m)
	}
	if len(cfg.Hosts) > 0 || cfg.Demo != "" {
		return nil
	}
	msg := "no hosts: give --host URL (repeatable) or hosts in the config file, or a CLIP that is a URL"
	if fc != nil && len(fc.names) > 0 && cfg.ClusterName == "" {
		msg += fmt.Sprintf(", or pick a cluster with --cluster NAME (%s defines %s)",
			fc.path, strings.Join(fc.names, ", "))
	}
	return usagef("%s", msg)
}

// finishPlayer makes --no-video the alias of --video none and checks the
// volume against volume-max, which mpv would otherwise lower it to
// silently.
func finishPlayer(cfg *Config, m *layer) error {
	p := &cfg.Player
	if err := noVideoAlias(p, m); err != nil {
		return err
	}
	if p.Volume == nil {
		return nil
	}
	v := *p.Volume
	limit, limitSrc := float64(defaultVolumeMax), fmt.Sprintf("mpv's default volume-max %d", defaultVolumeMax)
	for _, kv := range p.Extra {
		if kv[0] == "volume-max" {
			if f, err := strconv.ParseFloat(kv[1], 64); err == nil {
				limit, limitSrc = f, "volume-max "+kv[1]
			}
		}
	}
	if v > limit {
		return usagef("%s: %v is above %s (raise it with --mpv volume-max=%v)", settings.volume.in(m).src, v, limitSrc, v)
	}
	return nil
}

// oneURL makes a cluster of one host out of a CLIP that is a URL, when no
// host is configured: the clip's directory is the host, its file name (and
// query) the clip, so that clusterplay stands in for mpv. Further CLIPs
// must be URLs under the same directory, or paths.
func oneURL(cfg *Config) error {
	if len(cfg.Clips) == 0 {
		return nil
	}
	dir, _, ok := cluster.SplitClipURL(cfg.Clips[0])
	if !ok {
		return nil
	}
	for i, c := range cfg.Clips {
		d, rest, isURL := cluster.SplitClipURL(c)
		switch {
		case !isURL:
		case d != dir:
			return usagef("CLIP %d (%s) is not under %s, the directory of the first: give the hosts with --host", i+1, c, dir)
		default:
			cfg.Clips[i] = rest
		}
	}
	cfg.Clip = cfg.Clips[0]
	cfg.Hosts = []cluster.HostSpec{{URL: dir}}
	return nil
}

// mirrorBase is a --mirror's host base URL: the URL itself, or its
// directory when it names the clip's file too (a whole clip URL pasted
// from another edge).
func mirrorBase(mirror, clip string) string {
	dir, rest, ok := cluster.SplitClipURL(mirror)
	if ok && clip != "" && rest == clip {
		return dir
	}
	return mirror
}

// requestHeader is what every request to the hosts carries: the user's
// headers, User-Agent and Referer. The default User-Agent is the engine's
// own already, so it is left out.
func requestHeader(cfg *Config) http.Header {
	ownAgent := cfg.UserAgent != "" && cfg.UserAgent != DefaultUserAgent
	if len(cfg.HTTPHeaders) == 0 && !ownAgent && cfg.Referer == "" {
		return nil
	}
	h := http.Header{}
	for _, kv := range cfg.HTTPHeaders {
		h.Add(kv[0], kv[1])
	}
	if ownAgent {
		h.Set("User-Agent", cfg.UserAgent)
	}
	if cfg.Referer != "" {
		h.Set("Referer", cfg.Referer)
	}
	return h
}

// noVideoAlias turns noVideo into video: none. Given with another video
// mode, the command line beats the file; both on the command line (or
// both in files) they disagree, and that is said rather than guessed.
func noVideoAlias(p *PlayerConfig, m *layer) error {
	if !p.NoVideo {
		return nil
	}
	nv, v := settings.noVideo.in(m), settings.video.in(m)
	fromFlag := func(src string) bool { return strings.HasPrefix(src, "--") }
	switch {
	case !v.set || v.v == VideoNone || fromFlag(nv.src) && !fromFlag(v.src):
		p.Video = VideoNone
	case fromFlag(v.src) && !fromFlag(nv.src):
		p.NoVideo = false
	default:
		return usagef("%s is --video none, but %s says video %s", nv.src, v.src, v.v)
	}
	return nil
}
