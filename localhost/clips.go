package localhost

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// Opener returns a clip's content and a function releasing it, or ok false
// when the host has no such clip.
type Opener func(clip string) (content io.ReadSeeker, release func(), ok bool)

// Files opens the clips of a map from clip path ("clip.mp4", "a/b/c.mp4")
// to content. It copies the map so a caller changing it later cannot race
// the server; the byte slices are shared and must not be modified.
func Files(files map[string][]byte) (Opener, error) {
	own := make(map[string][]byte, len(files))
	for k, v := range files {
		// A key that is not a clean relative path could never match a
		// request; failing here beats a puzzling 404 in a test.
		if !fs.ValidPath(k) || k == "." {
			return nil, fmt.Errorf("localhost: invalid clip path %q", k)
		}
		own[k] = v
	}
	return func(clip string) (io.ReadSeeker, func(), bool) {
		b, ok := own[clip]
		return bytes.NewReader(b), func() {}, ok
	}, nil
}

// Dir opens the clips below the root of fsys.
func Dir(fsys fs.FS) Opener {
	return func(clip string) (io.ReadSeeker, func(), bool) {
		f, err := fsys.Open(clip)
		if err != nil {
			return nil, nil, false
		}
		st, err := f.Stat()
		rs, seekable := f.(io.ReadSeeker)
		if err != nil || st.IsDir() || !seekable {
			f.Close()
			return nil, nil, false
		}
		return rs, func() { f.Close() }, true
	}
}

// ClipHandler maps /video/<clip> to open(clip) and serves it with
// http.ServeContent, which gives Range, HEAD and conditional requests the
// way real web servers do them; anything else is 404.
func ClipHandler(open Opener) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		clip, ok := ClipPath(r.URL.Path)
		if !ok {
			http.NotFound(w, r)
			return
		}
		content, release, ok := open(clip)
		if !ok {
			http.NotFound(w, r)
			return
		}
		defer release()
		if ct := ContentType(clip); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		// Zero modtime: no Last-Modified, so every request gets the bytes.
		http.ServeContent(w, r, path.Base(clip), time.Time{}, content)
	})
}

// ClipPath extracts the clip from a request path. fs.ValidPath rejects ".."
// and empty elements, so Dir can never serve outside its directory.
func ClipPath(p string) (string, bool) {
	clip, ok := strings.CutPrefix(p, BasePath+"/")
	if !ok || clip == "" || !fs.ValidPath(clip) {
		return "", false
	}
	return clip, true
}

// videoTypes covers extensions Go's built-in table lacks, so the
// Content-Type does not depend on the machine's /etc/mime.types.
var videoTypes = map[string]string{
	".mp4":  "video/mp4",
	".m4v":  "video/mp4",
	".m4a":  "audio/mp4",
	".m4s":  "video/iso.segment",
	".mov":  "video/quicktime",
	".webm": "video/webm",
	".mkv":  "video/x-matroska",
	".flv":  "video/x-flv",
	".ts":   "video/mp2t",
	".m3u8": "application/vnd.apple.mpegurl",
	".mpd":  "application/dash+xml",
}

// ContentType is the clip's Content-Type by its extension; "" lets
// http.ServeContent sniff it.
func ContentType(clip string) string {
	ext := strings.ToLower(path.Ext(clip))
	if t, ok := videoTypes[ext]; ok {
		return t
	}
	return mime.TypeByExtension(ext) // "" lets ServeContent sniff
}
