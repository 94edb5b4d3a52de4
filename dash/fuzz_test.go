package dash

import (
	"net/url"
	"testing"
)

// FuzzParseReduce: no MPD, however broken, makes Parse or Reduce panic,
// and a reduced MPD offers no choice any more.
func FuzzParseReduce(f *testing.F) {
	f.Add([]byte(sampleMPD))
	f.Add([]byte(`<BaseURL>http://a/</BaseURL><MPD><BaseURL>x</BaseURL><BaseURL/></MPD>`))
	f.Add([]byte(`<MPD><Period><BaseURL serviceLocation="a">http://a/</BaseURL><BaseURL>http://b/</BaseURL></Period></MPD>`))
	f.Add([]byte(`<MPD><BaseURL a=">">http://a/</BaseURL><BaseURL>http://b/</BaseURL></MPD>`))
	at, _ := url.Parse("http://origin.example/m/x.mpd")
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := Parse(body, at)
		if err != nil {
			return
		}
		out := Reduce(body, m, func(k int, g Group) string { return "http://relay/~pw/" + g.ID() + "/" })
		if again, err := Parse(out, at); err == nil && len(again.Alternatives()) > 0 && len(m.Alternatives()) > 0 {
			for _, g := range again.Alternatives() {
				for _, b := range g.BaseURLs {
					if b.Raw == "" {
						return // a text-less <BaseURL/> is left as it is
					}
				}
			}
			t.Errorf("the reduced MPD still offers %d places", len(again.Alternatives()))
		}
	})
}
