package variants

import (
	"encoding/binary"
	"math"
	"reflect"
	"testing"
)

const listMPD = `<MPD type="static" mediaPresentationDuration="PT6S"><BaseURL>http://h/media/</BaseURL><Period>
<AdaptationSet contentType="video"><Representation id="v0" bandwidth="400000">
<SegmentList timescale="1000" duration="2000"><Initialization sourceURL="v0/init.mp4"/>
<SegmentURL media="v0/1.m4s"/><SegmentURL media="v0/2.m4s"/><SegmentURL media="v0/3.m4s" mediaRange="10-19"/></SegmentList>
</Representation></AdaptationSet></Period></MPD>`

const templateMPD = `<MPD type="static" mediaPresentationDuration="PT5S"><Period>
<AdaptationSet contentType="video"><SegmentTemplate timescale="90000" startNumber="7"/>
<Representation id="a" bandwidth="500"><SegmentTemplate duration="180000" initialization="a/init-$RepresentationID$.mp4" media="a/$Bandwidth$-$Number%05d$.m4s"/></Representation>
<Representation id="b" bandwidth="900"><SegmentTemplate media="b/$Time$.m4s" initialization="b/init.mp4">
<SegmentTimeline><S t="0" d="180000" r="1"/><S d="90000" r="-1"/></SegmentTimeline></SegmentTemplate></Representation>
</AdaptationSet></Period></MPD>`

const baseMPD = `<MPD type="static"><Period><AdaptationSet><Representation id="r" bandwidth="1">
<BaseURL>files/r.mp4</BaseURL><SegmentBase indexRange="800-899"><Initialization range="0-799"/></SegmentBase>
</Representation></AdaptationSet></Period></MPD>`

func TestRepresentationSegments(t *testing.T) {
	for _, tc := range []struct {
		name, mpd, id string
		want          Segments
	}{
		{"SegmentList, BaseURL, mediaRange", listMPD, "v0", Segments{
			Init: Segment{URL: "http://h/media/v0/init.mp4", End: -1},
			Media: []Segment{{"http://h/media/v0/1.m4s", 0, -1, 2}, {"http://h/media/v0/2.m4s", 0, -1, 2},
				{"http://h/media/v0/3.m4s", 10, 19, 2}}}},
		{"template by duration: $Number%05d$, $Bandwidth$, inherited startNumber, a short last segment", templateMPD, "a", Segments{
			Init: Segment{URL: "a/init-a.mp4", End: -1},
			Media: []Segment{{"a/500-00007.m4s", 0, -1, 2}, {"a/500-00008.m4s", 0, -1, 2},
				{"a/500-00009.m4s", 0, -1, 1}}}},
		{"template by SegmentTimeline: $Time$, r -1 to the period's end", templateMPD, "b", Segments{
			Init:  Segment{URL: "b/init.mp4", End: -1},
			Media: []Segment{{"b/0.m4s", 0, -1, 2}, {"b/180000.m4s", 0, -1, 2}, {"b/360000.m4s", 0, -1, 1}}}},
		{"SegmentBase: the sidx's range, the initialization's", baseMPD, "r", Segments{
			Init: Segment{URL: "files/r.mp4", Start: 0, End: 799}, Index: &Segment{URL: "files/r.mp4", Start: 800, End: 899}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RepresentationSegments([]byte(tc.mpd), tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestRepresentationSegmentsRefuses(t *testing.T) {
	for name, mpd := range map[string]string{
		"live":            `<MPD type="dynamic"><Period><AdaptationSet><Representation id="x"><SegmentTemplate media="$Number$" duration="2"/></Representation></AdaptationSet></Period></MPD>`,
		"no addressing":   `<MPD><Period><AdaptationSet><Representation id="x"><BaseURL>x.mp4</BaseURL></Representation></AdaptationSet></Period></MPD>`,
		"no such id":      listMPD,
		"no period's end": `<MPD><Period><AdaptationSet><Representation id="x"><SegmentTemplate media="$Number$" duration="2"/></Representation></AdaptationSet></Period></MPD>`,
		"not XML":         `<MPD`,
	} {
		if _, err := RepresentationSegments([]byte(mpd), "x"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// sidx builds a version 0 sidx box of references (size, duration).
func sidx(scale, first uint32, refs ...[2]uint32) []byte {
	b := make([]byte, 32+12*len(refs))
	binary.BigEndian.PutUint32(b, uint32(len(b)))
	copy(b[4:], "sidx")
	binary.BigEndian.PutUint32(b[16:], scale)
	binary.BigEndian.PutUint32(b[24:], first)
	binary.BigEndian.PutUint16(b[30:], uint16(len(refs)))
	for i, r := range refs {
		binary.BigEndian.PutUint32(b[32+12*i:], r[0])
		binary.BigEndian.PutUint32(b[36+12*i:], r[1])
	}
	return b
}

func TestParseSidx(t *testing.T) {
	got, err := ParseSidx(sidx(1000, 5, [2]uint32{100, 2000}, [2]uint32{50, 1500}), 899, "f.mp4")
	if err != nil {
		t.Fatal(err)
	}
	want := []Segment{{"f.mp4", 905, 1004, 2}, {"f.mp4", 1005, 1054, 1.5}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	for name, b := range map[string][]byte{
		"short":          sidx(1000, 0)[:20],
		"not a sidx":     append([]byte{0, 0, 0, 8}, "moof"...),
		"hierarchical":   sidx(1000, 0, [2]uint32{1<<31 | 10, 1}),
		"refs truncated": sidx(1000, 0, [2]uint32{10, 1})[:36],
	} {
		if _, err := ParseSidx(b, 0, "f"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestISOSeconds(t *testing.T) {
	for in, want := range map[string]float64{"PT6S": 6, "PT1M0.5S": 60.5, "PT1H": 3600, "P1DT1S": 86401, "PT0.0S": 0} {
		if got, ok := isoSeconds(in); !ok || math.Abs(got-want) > 1e-9 {
			t.Errorf("isoSeconds(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if _, ok := isoSeconds("6 seconds"); ok {
		t.Error("isoSeconds took a non-ISO duration")
	}
}

func TestAudio(t *testing.T) {
	mpd := `<MPD><Period><AdaptationSet contentType="video"><Representation id="v" bandwidth="1" height="240"/></AdaptationSet>
<AdaptationSet contentType="audio" codecs="mp4a.40.2"><Representation id="hi" bandwidth="128041"/><Representation id="lo" bandwidth="64178"/></AdaptationSet></Period></MPD>`
	got := Audio([]byte(mpd))
	want := []Variant{{Name: "64k", ID: "lo", Bandwidth: 64178, Codecs: "mp4a.40.2", Set: 1}, {Name: "128k", ID: "hi", Bandwidth: 128041, Codecs: "mp4a.40.2", Set: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if a := Audio([]byte(`<MPD><Period><AdaptationSet contentType="audio"><Representation id="a" bandwidth="1"/><Representation id="b" bandwidth="2"/></AdaptationSet></Period></MPD>`)); a != nil {
		t.Errorf("an audio-only manifest's audio is its variants, not a second ladder: %v", a)
	}
}
