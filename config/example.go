package config

// Example returns a commented example config file in YAML. It sets every
// key (some commented out) and is tested to load as is.
func Example() string {
	return exampleYAML
}

const exampleYAML = `# clusterplay config: $XDG_CONFIG_HOME/clusterplay/config.yaml
# (~/.config/clusterplay/config.yaml), or any file given with --config.
# Flags override these settings; --host replaces the hosts list.
# Durations are "1500ms", "2s", "1m30s", or a bare number of milliseconds
# as in Flowplayer configs (2000 = 2s).

# Hosts in priority order: a base URL each, or an object that adds a
# priority (lower is preferred) and a weight (share within a priority)
# for "select: weighted". CLIP is resolved against each host.
hosts:
  - https://edge1.example.com/media/
  - host: https://edge2.example.com/media/
    priority: 1
    weight: 2
  - host: rtmp://rtmp.example.com/vod

# Flowplayer Cluster plugin settings, same names and units as in 3.2.x.
connectTimeout: 2000   # ms one connection attempt may take
connectCount: 3        # passes over the host list before giving up
failureExpiry: 2000    # ms a failed host is skipped; 0 = not remembered
loadBalance: false     # true = random order, like "select: random"
# netConnectionUrl: rtmp://rtmp.example.com/vod   # the host when hosts is empty

# clusterplay's own settings.
select: ordered        # ordered, random, weighted or fastest
raceDelay: 250ms       # head start before the next host races; off = one at a time
maxInflight: 3         # attempts connecting at the same time
stallTimeout: 5s       # playback stall that makes the next host take over
insecure: false        # true skips TLS certificate checks
# stateDir: ~/.local/state/clusterplay   # relative paths: from this file's directory

# Player (mpv).
noVideo: false
# vo: gpu
# ao: pulse
# volume: 80           # 0 to 130, or up to mpv's volume-max
# start: 1m30s
fullscreen: false
mpvConfig: true        # false = ignore your mpv.conf
mpv:                   # any mpv option, NAME: VALUE, passed in this order
  hwdec: auto
  cache: "yes"

# Named clusters, picked with --cluster NAME. Their keys override the
# ones above; the keys they leave out are taken from above.
clusters:
  eu:
    hosts:
      - https://eu1.example.com/media/
      - https://eu2.example.com/media/
  us:
    hosts: [https://us1.example.com/media/, https://us2.example.com/media/]
    select: fastest
    connectTimeout: 3s
`
