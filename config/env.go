package config

import "strings"

// A token on the command line (--host URL?token=..., --http-header
// 'Authorization: ...') is visible to every user of the machine in ps and
// /proc/PID/cmdline. The environment is visible only to the process's own
// user and root, so the two settings that carry tokens can come from it
// too, beside the config file.
const (
	// EnvHosts holds host base URLs separated by white space, in
	// priority order, as many --host.
	EnvHosts = "CLUSTERPLAY_HOSTS"
	// EnvHTTPHeaders holds 'Name: value' header lines separated by
	// newlines, as many --http-header.
	EnvHTTPHeaders = "CLUSTERPLAY_HTTP_HEADERS"
)

// envLayer is what EnvHosts and EnvHTTPHeaders give, read as the flags
// they stand for are: between the config file and the command line, so a
// flag replaces (hosts) or adds to (headers) what the environment gives,
// as the environment does to the file. nil when neither is set.
func envLayer(env func(string) string) (*layer, error) {
	hosts := strings.Fields(env(EnvHosts))
	var headers []string
	for _, line := range strings.Split(env(EnvHTTPHeaders), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			headers = append(headers, line)
		}
	}
	if len(hosts) == 0 && len(headers) == 0 {
		return nil, nil
	}
	l := &layer{}
	fs := newFlagSet(l)
	for _, v := range []struct {
		name, flag string
		values     []string
	}{{EnvHosts, "host", hosts}, {EnvHTTPHeaders, "http-header", headers}} {
		for _, value := range v.values {
			// The flag's own Value, not FlagSet.Set, whose message would
			// repeat the value, a header's token with it.
			if err := fs.Lookup(v.flag).Value.Set(value); err != nil {
				return nil, usagef("%s: %s", v.name, firstLine(err.Error()))
			}
		}
		for _, e := range table {
			if flag, _ := e.names(); flag == v.flag {
				e.(interface{ relabel(*layer, string) }).relabel(l, v.name)
				if err := e.checkFlag(l); err != nil {
					return nil, err
				}
			}
		}
	}
	return l, nil
}

// relabel names where a setting of l came from, for the messages about it.
func (s *setting[T]) relabel(l *layer, src string) {
	if o := s.in(l); o.set {
		o.src = src
		l.opts[s] = o
	}
}
