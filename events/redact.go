package events

import (
	"net/url"
	"regexp"
	"strings"
)

// Redacted stands where a secret was.
const Redacted = "REDACTED"

// secretParams are query parameters that carry credentials on CDNs and
// object stores: tokens, signatures, keys, Akamai's hdnts, CloudFront's
// Policy and Key-Pair-Id, S3's X-Amz-Signature. Matched without case.
var secretParams = map[string]bool{
	"token": true, "key": true, "sig": true, "signature": true, "auth": true, "password": true,
	"secret": true, "policy": true, "key-pair-id": true, "x-amz-signature": true, "hdnts": true,
	"x-amz-credential": true, "x-amz-security-token": true, "access_token": true, "api_key": true,
	"apikey": true, "passwd": true, "pass": true, "credential": true, "credentials": true,
}

// secretParam reports whether a query parameter's name says it is a
// secret: one of secretParams, or a name that contains token, secret,
// password or signature (access_token, X-Goog-Signature, ...).
func secretParam(name string) bool {
	n := strings.ToLower(name)
	if secretParams[n] {
		return true
	}
	for _, part := range []string{"token", "secret", "password", "signature"} {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// RedactURL hides the secrets of a URL, or of a clip path with a query:
// the password of its user info and the values of query parameters named
// like secrets. The rest is kept as
// written, so a reader still sees which host and which clip it was. A
// string that is not a URL comes back unchanged.
func RedactURL(raw string) string {
	if !strings.Contains(raw, "?") && !strings.Contains(raw, "@") {
		return raw // nothing that could hide a secret
	}
	u, err := url.Parse(raw)
	if err != nil {
		// Unparsable (a control character, a bad host), yet it may hold
		// a password: hide what stands between "//user:" and "@", and
		// the secrets of what follows the first '?'.
		raw = userinfoPassword.ReplaceAllString(raw, "${1}"+Redacted+"@")
		if p, q, ok := strings.Cut(raw, "?"); ok {
			if rq, changed := redactQuery(q); changed {
				return p + "?" + rq
			}
		}
		return raw
	}
	if u.Scheme == "" {
		// A clip path with a query ("a/clip.mp4?token=x"), or no URL.
		p, q, ok := strings.Cut(raw, "?")
		if rq, changed := redactQuery(q); ok && changed {
			return p + "?" + rq
		}
		return raw
	}
	changed := false
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), Redacted)
			changed = true
		}
	}
	if q, ok := redactQuery(u.RawQuery); ok {
		u.RawQuery, changed = q, true
	}
	if !changed {
		return raw
	}
	return u.String()
}

// redactQuery replaces secret values in a raw query, keeping its order and
// everything else byte for byte. Pairs are separated by '&' or, as in old
// CGI and some CDNs' signed URLs, by ';': "x=1;token=s" hides s. A piece
// without '=' after a secret's ';' is taken as part of that secret
// ("token=a;b" hides b too), so a value holding a ';' cannot leak its tail.
func redactQuery(raw string) (string, bool) {
	if raw == "" {
		return raw, false
	}
	var b strings.Builder
	changed, inSecret := false, false
	lead := "" // the separator before piece
	for rest := raw; ; {
		piece, next, more := rest, "", false
		if end := strings.IndexAny(rest, "&;"); end >= 0 {
			piece, next, rest, more = rest[:end], rest[end:end+1], rest[end+1:], true
		}
		k, _, hasValue := strings.Cut(piece, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		switch {
		case hasValue && secretParam(name):
			b.WriteString(lead + k + "=" + Redacted)
			changed, inSecret = true, true
		case inSecret && !hasValue && lead == ";":
			changed = true // the rest of the secret's value
		default:
			b.WriteString(lead + piece)
			inSecret = false
		}
		if !more {
			return b.String(), changed
		}
		lead = next
	}
}

// userinfoPassword is the password of a URL's user info, found by its shape.
var userinfoPassword = regexp.MustCompile(`(//[^/@:\s]*:)[^/@\s]*@`)

// urlInText finds URLs inside free text such as an error message.
var urlInText = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+`)

// RedactText hides the secrets of a message: those of every URL in it,
// and those that text outside a URL can carry too: a query without a
// scheme (an HTTP request line "GET /v/c.mp4?token=x HTTP/1.1", an RTMP
// application "vod?token=x") and the values of headers that carry
// credentials ("Authorization: Bearer x").
func RedactText(s string) string {
	if strings.Contains(s, "://") {
		s = urlInText.ReplaceAllStringFunc(s, RedactURL)
	}
	if strings.Contains(s, "=") {
		s = paramInText.ReplaceAllStringFunc(s, redactParam)
	}
	if strings.Contains(s, ":") {
		s = secretHeader.ReplaceAllString(s, "${1}${2}"+Redacted)
	}
	return s
}

// paramInText is a name=value pair that starts a query or follows another
// pair, or stands alone as a word. Its value runs to the next separator.
var paramInText = regexp.MustCompile(`(?:^|[?&;\s])[A-Za-z0-9_.~%-]+=[^&;\s"'<>#]*`)

// redactParam hides the value of one pair of paramInText when its name is
// a secret's, keeping the separator before it.
func redactParam(m string) string {
	lead := ""
	if c := m[0]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("_.~%-", c) >= 0) {
		lead, m = m[:1], m[1:]
	}
	name, value, _ := strings.Cut(m, "=")
	unescaped, err := url.QueryUnescape(name)
	if err != nil {
		unescaped = name
	}
	if value == "" || value == Redacted || !secretParam(unescaped) {
		return lead + m
	}
	return lead + name + "=" + Redacted
}

// secretHeader is a header line that carries credentials; its value, up
// to the end of the line, is what must not be repeated. Only at the start
// of a line, so that prose such as "cannot verify signature: ..." keeps
// its words.
var secretHeader = regexp.MustCompile(`(?im)^([ \t]*(?:(?:proxy-)?authorization|(?:set-)?cookie|x-api-key|[a-z0-9-]*(?:token|secret|password|signature)[a-z0-9-]*))([ \t]*:[ \t]*)[^\r\n]+`)

// Redact returns the event with the secrets of its URLs and messages
// hidden. The bus applies it to everything it carries, so no reader (the
// JSON lines, the plain lines, the TUI, a log) can forget to.
func Redact(e Event) Event {
	e.Host = RedactURL(e.Host)
	e.URL = RedactURL(e.URL)
	e.Clip = RedactURL(e.Clip)
	e.Path = RedactURL(e.Path)
	e.App = RedactText(e.App)
	e.PlayPath = RedactURL(e.PlayPath)
	e.TCURL = RedactURL(e.TCURL)
	e.ToHost = RedactURL(e.ToHost)
	e.Winner = RedactURL(e.Winner)
	e.Err = RedactText(e.Err)
	e.Message = RedactText(e.Message)
	return e
}
