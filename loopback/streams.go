package loopback

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Paths of the streams MakeStreams writes, below the directory a host
// serves: clip names for the cluster.
const (
	HLSMaster = "hls/master.m3u8" // two variants, absolute URIs
	DASHTwo   = "dash/two.mpd"    // absolute BaseURL
)

// MakeStreams writes into dir an HLS and a DASH version of the clip at
// src, made with ffmpeg (stream copy, 1 s segments), whose manifests name
// every file by an absolute URL under origin (a host's base URL, such as
// an NginxHTTPHost's URL), as CDN manifests do:
//
//   - hls/master.m3u8: two variants whose URIs are absolute;
//   - hls/v0/index.m3u8: MPEG-TS segments encrypted with AES-128, the key
//     and the segments at absolute URIs (EXT-X-KEY URI=);
//   - hls/v1/index.m3u8: fMP4 segments, the init segment (EXT-X-MAP URI=)
//     and the segments at absolute URIs;
//   - dash/two.mpd: an absolute BaseURL, the SegmentTemplate's
//     initialization and media relative to it.
//
// Every host serving dir then serves manifests that point at origin.
func MakeStreams(dir, src, origin string) error {
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		return fmt.Errorf("loopback: %w; install it with: %s", ErrFFmpegMissing, FFmpegPackages)
	}
	origin = strings.TrimSuffix(origin, "/") + "/"
	for _, d := range []string{"hls/v0", "hls/v1", "dash"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	steps := []func() error{
		func() error { return makeEncryptedTS(bin, dir, src, origin+"hls/v0/") },
		func() error { return makeFMP4(bin, dir, src, origin+"hls/v1/") },
		func() error { return makeDASH(bin, dir, src, origin+"dash/") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	master := "#EXTM3U\n#EXT-X-VERSION:7\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=500000,RESOLUTION=320x180\n" + origin + "hls/v0/index.m3u8\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=320x180\n" + origin + "hls/v1/index.m3u8\n"
	return os.WriteFile(filepath.Join(dir, filepath.FromSlash(HLSMaster)), []byte(master), 0o644)
}

// ffmpeg runs the ffmpeg at bin and names its output in the error.
func ffmpeg(bin string, args ...string) error {
	out, err := exec.Command(bin, append([]string{"-hide_banner", "-nostdin", "-v", "error", "-y"}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("loopback: ffmpeg %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

func makeEncryptedTS(bin, dir, src, base string) error {
	out := filepath.Join(dir, "hls", "v0")
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	keyFile := filepath.Join(out, "key.bin")
	if err := os.WriteFile(keyFile, key, 0o644); err != nil {
		return err
	}
	info := filepath.Join(dir, "hls", "v0.keyinfo")
	if err := os.WriteFile(info, []byte(base+"key.bin\n"+keyFile+"\n"), 0o644); err != nil {
		return err
	}
	defer os.Remove(info)
	return ffmpeg(bin, "-i", src, "-c", "copy", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod",
		"-hls_key_info_file", info, "-hls_base_url", base,
		"-hls_segment_filename", filepath.Join(out, "seg%d.ts"), filepath.Join(out, "index.m3u8"))
}

func makeFMP4(bin, dir, src, base string) error {
	out := filepath.Join(dir, "hls", "v1")
	playlist := filepath.Join(out, "index.m3u8")
	err := ffmpeg(bin, "-i", src, "-c", "copy", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod",
		"-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", "init.mp4", "-hls_base_url", base,
		"-hls_segment_filename", filepath.Join(out, "seg%d.m4s"), playlist)
	if err != nil {
		return err
	}
	// ffmpeg names the init segment relatively, whatever its base URL.
	return rewriteFile(playlist, `URI="init.mp4"`, `URI="`+base+`init.mp4"`)
}

func makeDASH(bin, dir, src, base string) error {
	mpd := filepath.Join(dir, filepath.FromSlash(DASHTwo))
	if err := ffmpeg(bin, "-i", src, "-c", "copy", "-f", "dash", "-seg_duration", "1", mpd); err != nil {
		return err
	}
	return rewriteFile(mpd, "\t<Period ", "\t<BaseURL>"+base+"</BaseURL>\n\t<Period ")
}

// rewriteFile replaces old, which must be there, with new in the file.
func rewriteFile(path, old, new string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Contains(b, []byte(old)) {
		return fmt.Errorf("loopback: %s lacks %q", path, old)
	}
	return os.WriteFile(path, bytes.ReplaceAll(b, []byte(old), []byte(new)), 0o644)
}
