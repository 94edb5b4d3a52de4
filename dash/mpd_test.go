package dash

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

const sampleMPD = `<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:dvb="urn:dvb:dash-extensions:2014-1" type="dynamic">
  <BaseURL serviceLocation="cdn-a" dvb:priority="1" dvb:weight="3">http://a.example/live/</BaseURL>
  <BaseURL serviceLocation="cdn-b" dvb:priority="1" dvb:weight="1">https://b.example/x/live/</BaseURL>
  <BaseURL serviceLocation="cdn-c" dvb:priority="2">../backup/</BaseURL>
  <BaseURL>ftp://c.example/live/</BaseURL>
  <ContentSteering defaultServiceLocation="cdn-a cdn-b" queryBeforeStart="true">steer/s.json</ContentSteering>
  <Period id="1">
    <BaseURL>p1/</BaseURL>
    <AdaptationSet mimeType="video/mp4">
      <Representation id="v0" bandwidth="500000">
        <BaseURL>http://r1.example/v0/</BaseURL>
        <BaseURL>http://r2.example/v0/</BaseURL>
        <SegmentTemplate media="seg-$Number$.m4s" initialization="init.mp4"/>
      </Representation>
      <Representation id="v1" bandwidth="900000">
        <BaseURL>v1/</BaseURL>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>
`

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestParseBaseURLs(t *testing.T) {
	m, err := Parse([]byte(sampleMPD), mustURL(t, "http://origin.example/show/main/manifest.mpd"))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Dynamic {
		t.Error("type=dynamic not seen")
	}
	type row struct {
		level, url, loc string
		prio, weight    int
		dvb             bool
	}
	var got []row
	for _, g := range m.Groups {
		for _, b := range g.BaseURLs {
			got = append(got, row{g.Level, b.URL.String(), b.ServiceLocation, b.Priority, b.Weight, b.DVB})
		}
	}
	want := []row{
		// the deeper levels close first
		{"Representation", "http://r1.example/v0/", "", 1, 1, false},
		{"Representation", "http://r2.example/v0/", "", 1, 1, false},
		{"Representation", "http://a.example/live/p1/v1/", "", 1, 1, false},
		{"Period", "http://a.example/live/p1/", "", 1, 1, false},
		{"MPD", "http://a.example/live/", "cdn-a", 1, 3, true},
		{"MPD", "https://b.example/x/live/", "cdn-b", 1, 1, true},
		{"MPD", "http://origin.example/show/backup/", "cdn-c", 2, 1, true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BaseURLs\n got %v\nwant %v", got, want)
	}
	if len(m.Rejected) != 1 || !strings.Contains(m.Rejected[0].Reason, `scheme "ftp"`) {
		t.Errorf("rejected %v, want the ftp one", m.Rejected)
	}
	s := m.Steering
	if s == nil || s.ServerURL.String() != "http://origin.example/show/main/steer/s.json" || !s.QueryBeforeStart ||
		!reflect.DeepEqual(s.DefaultServiceLocation, []string{"cdn-a", "cdn-b"}) {
		t.Errorf("steering %+v", s)
	}
	if alts := m.Alternatives(); len(alts) != 2 || alts[0].Level != "Representation" || alts[1].Level != "MPD" {
		t.Errorf("alternatives %v", alts)
	}
}

func TestParseRefusesWhatIsNoMPD(t *testing.T) {
	at := mustURL(t, "http://h/m.mpd")
	for _, body := range []string{"", "#EXTM3U\n", "<html><body>hi</body></html>", "<MPD><Period><BaseURL>x"} {
		if _, err := Parse([]byte(body), at); err == nil {
			t.Errorf("%q: no error", body)
		}
	}
}

func TestParseBoundsBaseURLs(t *testing.T) {
	body := "<MPD>" + strings.Repeat("<BaseURL>http://h/</BaseURL>", maxBaseURLs+5) + "</MPD>"
	m, err := Parse([]byte(body), mustURL(t, "http://h/m.mpd"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Groups[0].BaseURLs) != maxBaseURLs || len(m.Rejected) != 5 {
		t.Errorf("%d kept, %d rejected", len(m.Groups[0].BaseURLs), len(m.Rejected))
	}
}

// The player is shown one BaseURL per group, every other byte as sent: the
// dvb: attributes, the comments, the namespaces, the other elements.
func TestReduceShowsOneBaseURL(t *testing.T) {
	m, err := Parse([]byte(sampleMPD), mustURL(t, "http://origin.example/show/main/manifest.mpd"))
	if err != nil {
		t.Fatal(err)
	}
	out := string(Reduce([]byte(sampleMPD), m, func(_ int, g Group) string { return "http://relay/t/_alt/" + g.ID() + "/?a&b" }))
	mpdID, repID := m.Alternatives()[1].ID(), m.Alternatives()[0].ID()
	want := strings.NewReplacer(
		`http://a.example/live/</BaseURL>`, `http://relay/t/_alt/`+mpdID+`/?a&amp;b</BaseURL>`,
		"\n  <BaseURL serviceLocation=\"cdn-b\" dvb:priority=\"1\" dvb:weight=\"1\">https://b.example/x/live/</BaseURL>", "",
		"\n  <BaseURL serviceLocation=\"cdn-c\" dvb:priority=\"2\">../backup/</BaseURL>", "",
		`<BaseURL>http://r1.example/v0/</BaseURL>`, `<BaseURL>http://relay/t/_alt/`+repID+`/?a&amp;b</BaseURL>`,
		"\n        <BaseURL>http://r2.example/v0/</BaseURL>", "",
		"\n  <BaseURL>ftp://c.example/live/</BaseURL>", "",
	).Replace(sampleMPD)
	if out != want {
		t.Errorf("reduced:\n%s\nwant:\n%s", out, want)
	}
	again, err := Parse([]byte(out), mustURL(t, "http://origin.example/show/main/manifest.mpd"))
	if err != nil || len(again.Alternatives()) != 0 {
		t.Errorf("the reduced MPD still offers %v (%v)", again.Alternatives(), err)
	}
}

// A live MPD reloaded names the same alternatives: the same group IDs, so
// the player's URLs keep routing.
func TestGroupIDStable(t *testing.T) {
	at := mustURL(t, "http://origin.example/show/main/manifest.mpd")
	m1, _ := Parse([]byte(sampleMPD), at)
	m2, _ := Parse([]byte(strings.Replace(sampleMPD, `<Period id="1">`, `<Period id="2" start="PT10S">`, 1)), at)
	if m1.Alternatives()[1].ID() != m2.Alternatives()[1].ID() {
		t.Error("the MPD-level group changed its ID on reload")
	}
	m3, _ := Parse([]byte(strings.Replace(sampleMPD, "https://b.example", "https://d.example", 1)), at)
	if m1.Alternatives()[1].ID() == m3.Alternatives()[1].ID() {
		t.Error("another set of alternatives kept the ID")
	}
}
