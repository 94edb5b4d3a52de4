package steering

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		ttl      time.Duration
		priority []string
		clones   int
		err      string
	}{
		{name: "full", in: `{"VERSION":1,"TTL":10,"RELOAD-URI":"next.json","PATHWAY-PRIORITY":["B","A"],
			"PATHWAY-CLONES":[{"BASE-ID":"A","ID":"C","URI-REPLACEMENT":{"HOST":"cdn3:80"}}]}`,
			ttl: 10 * time.Second, priority: []string{"B", "A"}, clones: 1},
		{name: "default TTL", in: `{"VERSION":1,"PATHWAY-PRIORITY":["A"]}`, ttl: DefaultTTL, priority: []string{"A"}},
		{name: "duplicates kept once", in: `{"VERSION":1,"PATHWAY-PRIORITY":["A","A","B"]}`, ttl: DefaultTTL, priority: []string{"A", "B"}},
		{name: "not JSON", in: `<html>`, err: "not a steering manifest"},
		{name: "two values", in: `{"VERSION":1,"PATHWAY-PRIORITY":["A"]} {}`, err: "more than one"},
		{name: "no version", in: `{"PATHWAY-PRIORITY":["A"]}`, err: "without VERSION"},
		{name: "version 2", in: `{"VERSION":2,"PATHWAY-PRIORITY":["A"]}`, err: "VERSION 2"},
		{name: "no priority", in: `{"VERSION":1}`, err: "without PATHWAY-PRIORITY"},
		{name: "bad ID", in: `{"VERSION":1,"PATHWAY-PRIORITY":["a b"]}`, err: "not a pathway ID"},
		{name: "zero TTL", in: `{"VERSION":1,"TTL":0,"PATHWAY-PRIORITY":["A"]}`, err: "TTL"},
		{name: "huge", in: `{"VERSION":1,"PATHWAY-PRIORITY":["A"],"X":"` + strings.Repeat("x", MaxManifest) + `"}`, err: "larger than"},
		{name: "bad clone", in: `{"VERSION":1,"PATHWAY-PRIORITY":["A"],"PATHWAY-CLONES":[{"BASE-ID":"A","ID":""}]}`, err: "PATHWAY-CLONES"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.TTL != tc.ttl || !slices.Equal(m.Priority, tc.priority) || len(m.Clones) != tc.clones {
				t.Fatalf("got %+v", m)
			}
		})
	}
}

func TestExpand(t *testing.T) {
	base := map[string][]Alternative{
		"A": {{URI: "http://a.example:8080/v0/index.m3u8?x=1", StableID: "v0"}, {URI: "http://a.example:8080/v1/index.m3u8", StableID: "v1"}},
	}
	for _, tc := range []struct {
		name    string
		clones  []Clone
		want    map[string][]string
		refused []string
	}{
		{name: "host", clones: []Clone{{BaseID: "A", ID: "B", Host: "b.example:9090"}},
			want: map[string][]string{"B": {"http://b.example:9090/v0/index.m3u8?x=1", "http://b.example:9090/v1/index.m3u8"}}},
		{name: "params", clones: []Clone{{BaseID: "A", ID: "B", Params: map[string]string{"cdn": "b", "k": "a b"}}},
			want: map[string][]string{"B": {"http://a.example:8080/v0/index.m3u8?cdn=b&k=a%20b&x=1", "http://a.example:8080/v1/index.m3u8?cdn=b&k=a%20b"}}},
		{name: "per variant", clones: []Clone{{BaseID: "A", ID: "B", Host: "b.example", PerVariant: map[string]string{"v1": "http://c.example/other.m3u8"}}},
			want: map[string][]string{"B": {"http://b.example/v0/index.m3u8?x=1", "http://c.example/other.m3u8"}}},
		{name: "clone of a clone, listed first", clones: []Clone{{BaseID: "B", ID: "C", Params: map[string]string{"c": "1"}}, {BaseID: "A", ID: "B", Host: "b.example"}},
			want: map[string][]string{"C": {"http://b.example/v0/index.m3u8?c=1&x=1", "http://b.example/v1/index.m3u8?c=1"}}},
		{name: "loop", clones: []Clone{{BaseID: "Y", ID: "X"}, {BaseID: "X", ID: "Y"}},
			refused: []string{"clone X: PATHWAY-CLONES loop", "clone Y: PATHWAY-CLONES loop"}},
		{name: "self", clones: []Clone{{BaseID: "X", ID: "X"}}, refused: []string{"clone X: PATHWAY-CLONES loop"}},
		{name: "unknown base", clones: []Clone{{BaseID: "Z", ID: "X"}}, refused: []string{"clone X: unknown BASE-ID Z"}},
		{name: "existing ID", clones: []Clone{{BaseID: "A", ID: "A"}}, refused: []string{"clone A: the stream already has"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, refused := Expand(base, tc.clones)
			if len(refused) != len(tc.refused) {
				t.Fatalf("refused %q, want %q", refused, tc.refused)
			}
			for i := range refused {
				if !strings.HasPrefix(refused[i], tc.refused[i]) {
					t.Fatalf("refused %q, want %q", refused, tc.refused)
				}
			}
			for id, uris := range tc.want {
				var have []string
				for _, a := range got[id] {
					have = append(have, a.URI)
				}
				if !slices.Equal(have, uris) {
					t.Fatalf("%s: %q, want %q", id, have, uris)
				}
			}
			if len(got["A"]) != 2 {
				t.Fatal("the base pathway was lost")
			}
		})
	}
}

func TestNext(t *testing.T) {
	m := &Manifest{TTL: 7 * time.Second}
	for _, tc := range []struct {
		name string
		o    Outcome
		wait time.Duration
		stop bool
	}{
		{name: "manifest", o: Outcome{Status: 200, Manifest: m}, wait: 7 * time.Second},
		{name: "gone", o: Outcome{Status: 410}, stop: true},
		{name: "too many", o: Outcome{Status: 429, RetryAfter: 3 * time.Second}, wait: 3 * time.Second},
		{name: "too many without Retry-After", o: Outcome{Status: 429}, wait: 20 * time.Second},
		{name: "server error", o: Outcome{Status: 500}, wait: 20 * time.Second},
		{name: "no answer", o: Outcome{}, wait: 20 * time.Second},
		{name: "malformed", o: Outcome{Status: 200}, wait: 20 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wait, stop := Next(20*time.Second, tc.o)
			if wait != tc.wait || stop != tc.stop {
				t.Fatalf("wait %v stop %v, want %v %v", wait, stop, tc.wait, tc.stop)
			}
		})
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{"": 0, "5": 5 * time.Second, "x": 0,
		now.Add(9 * time.Second).Format(http.TimeFormat): 9 * time.Second} {
		if got := RetryAfter(in, now); got != want {
			t.Errorf("RetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}
