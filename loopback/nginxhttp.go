package loopback

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// NginxHTTPOptions shape a real nginx HTTP host the way a CDN edge is
// shaped, so that a failover is slow enough to be seen.
type NginxHTTPOptions struct {
	// LimitRate is nginx's limit_rate: the bytes per second of each
	// response, 0 for no limit. Over loopback a player reads a whole clip
	// in milliseconds, and a host killed after that changes nothing.
	LimitRate int64
	// LimitRateAfter is nginx's limit_rate_after: the bytes of each
	// response sent at full speed before LimitRate applies.
	LimitRateAfter int64
}

// NginxHTTPHost is a real nginx serving the files of a directory over
// HTTP, as a CDN edge would: 206 to a Range, an ETag and Last-Modified,
// the media types of HLS and DASH, and an access log that names every
// request's User-Agent.
type NginxHTTPHost struct {
	// URL is http://127.0.0.1:PORT/video, the same base path as the Go
	// hosts': clip URLs are URL + "/" + a path below the directory.
	URL string
	*nginxProc
}

// The access log's fields, tab-separated: what a test asks of a request.
const accessLogFormat = "$request_method\\t$uri\\t$status\\t$body_bytes_sent\\t$http_range\\t$http_user_agent\\t$http_icy_metadata"

// nginxHTTPConf runs unprivileged like nginxConf, and keeps every temp
// path inside the temp dir, where nginx may write. The types are listed
// here rather than taken from /etc/nginx, so that a host's answers do not
// depend on the machine. limit_rate paces a response by waiting after each
// send for as long as the send was worth: with nginx's default 32 KiB
// buffers at 58 KB/s a reader saw gaps of 1.13 s, longer than the relay's
// read timeout, which took the pacing for a stall. sendfile_max_chunk
// bounds each send to 16 KiB: gaps of about 0.3 s at that rate.
const nginxHTTPConf = `daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log info;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    log_format clusterplay "%[2]s";
    types {
        video/mp4 mp4 m4v;
        audio/mp4 m4a;
        video/iso.segment m4s;
        video/mp2t ts;
        application/vnd.apple.mpegurl m3u8;
        application/dash+xml mpd;
        application/octet-stream bin key;
    }
    default_type application/octet-stream;
    sendfile on;
    sendfile_max_chunk 16k;
    server {
        listen %[3]s;
        access_log %[1]s/access.log clusterplay;
        location /video/ {
            alias %[4]s/;
            limit_rate %[5]d;
            limit_rate_after %[6]d;
        }
    }
}
`

// StartNginxHTTP runs nginx serving mediaDir under /video/ and returns
// once it accepts connections. Files may be written into mediaDir after it
// started (a manifest that names the host's own URL): nginx reads each
// file when it is asked for. Kill crashes it, Close kills it and removes
// its temp dir.
func StartNginxHTTP(mediaDir string, opts NginxHTTPOptions) (*NginxHTTPHost, error) {
	bin, err := findNginx()
	if err != nil {
		return nil, err
	}
	media, err := filepath.Abs(mediaDir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(media); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("loopback: nginx media dir %q is not a directory", mediaDir)
	}
	if opts.LimitRate < 0 || opts.LimitRateAfter < 0 {
		return nil, fmt.Errorf("loopback: nginx limits must not be negative: %+v", opts)
	}
	conf := func(dir, addr string) string {
		return fmt.Sprintf(nginxHTTPConf, dir, accessLogFormat, addr, media, opts.LimitRate, opts.LimitRateAfter)
	}
	p, err := runNginx(bin, conf)
	if err != nil {
		return nil, err
	}
	return &NginxHTTPHost{URL: "http://" + p.Addr + basePath, nginxProc: p}, nil
}

// AccessEntry is one request of an nginx HTTP host's access log.
type AccessEntry struct {
	Method, Path string
	Status       int
	Bytes        int64  // body bytes sent
	Range        string // the request's Range header, "" when none
	UserAgent    string
	// IcyMetaData is the request's Icy-MetaData header: ffmpeg sends "1"
	// on every HTTP request of its own, the relay never does.
	IcyMetaData string
}

// WaitAccesses returns the access log once it holds at least n lines, or
// as it is after within: nginx writes a request's line after it has sent
// the response, so a client that has its answer may read the log first.
func (h *NginxHTTPHost) WaitAccesses(n int, within time.Duration) ([]AccessEntry, error) {
	deadline := time.Now().Add(within)
	for {
		log, err := h.Accesses()
		if (err == nil && len(log) >= n) || time.Now().After(deadline) {
			return log, err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Accesses returns the requests nginx has logged, each when its response
// ended: a response cut by Kill is not there.
func (h *NginxHTTPHost) Accesses() ([]AccessEntry, error) {
	b, err := os.ReadFile(filepath.Join(h.Dir, "access.log"))
	if err != nil {
		return nil, err
	}
	var out []AccessEntry
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 7 {
			return nil, fmt.Errorf("loopback: access log line %q", line)
		}
		status, _ := strconv.Atoi(f[2])
		n, _ := strconv.ParseInt(f[3], 10, 64)
		e := AccessEntry{Method: f[0], Path: f[1], Status: status, Bytes: n, Range: f[4], UserAgent: f[5], IcyMetaData: f[6]}
		for _, s := range []*string{&e.Range, &e.UserAgent, &e.IcyMetaData} {
			if *s == "-" { // nginx's word for an empty variable
				*s = ""
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// AccessLog is the access log as nginx wrote it, for failure messages.
func (h *NginxHTTPHost) AccessLog() string {
	b, _ := os.ReadFile(filepath.Join(h.Dir, "access.log"))
	return string(b)
}
