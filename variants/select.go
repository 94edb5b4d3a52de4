package variants

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The quality names that are words.
const (
	Auto  = "auto"
	Best  = "best"
	Worst = "worst"
	List  = "list"
)

// ErrNoMatch is a quality none of whose names matches a variant.
var ErrNoMatch = errors.New("no variant matches")

// term is one name of a --quality list: a word, a height or a bitrate.
type term struct {
	word   string // auto, best or worst; "" for a height or a bitrate
	height int    // 720 for 720p
	bps    int64  // 1500000 for 1500k
}

func parseTerm(s string) (term, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case Auto, Best, Worst:
		return term{word: s}, nil
	}
	if n, ok := strings.CutSuffix(s, "p"); ok {
		if h, err := strconv.Atoi(n); err == nil && h > 0 {
			return term{height: h}, nil
		}
	}
	for suffix, mult := range map[string]int64{"k": 1000, "m": 1000000} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			if f, err := strconv.ParseFloat(n, 64); err == nil && f > 0 {
				return term{bps: int64(f * float64(mult))}, nil
			}
		}
	}
	return term{}, fmt.Errorf("%q is no quality: best, worst, auto, a height such as 720p or a bitrate such as 1500k", s)
}

// Check says what is wrong with a --quality value, nil when nothing is:
// list, or a comma list of names.
func Check(spec string) error {
	if strings.TrimSpace(spec) == List {
		return nil
	}
	for _, s := range strings.Split(spec, ",") {
		if _, err := parseTerm(s); err != nil {
			return err
		}
	}
	return nil
}

// CheckBound says what is wrong with a --quality-max or --quality-min
// value: "" (none), a height or a bitrate.
func CheckBound(s string) error {
	if s == "" {
		return nil
	}
	t, err := parseTerm(s)
	if err == nil && t.word != "" {
		err = fmt.Errorf("%q is no bound: a height such as 720p or a bitrate such as 1500k", s)
	}
	return err
}

// Bounds are --quality-min's and --quality-max's: what auto may choose.
type Bounds struct{ Min, Max string }

// within reports whether v lies within the bounds.
func (b Bounds) within(v Variant) bool {
	if t, err := parseTerm(b.Max); b.Max != "" && err == nil {
		if (t.height > 0 && v.Height > t.height) || (t.bps > 0 && v.Bandwidth > t.bps) {
			return false
		}
	}
	if t, err := parseTerm(b.Min); b.Min != "" && err == nil {
		if (t.height > 0 && v.Height < t.height) || (t.bps > 0 && v.Bandwidth < t.bps) {
			return false
		}
	}
	return true
}

// Allowed is what auto may switch between: the variants within the
// bounds, all of them when none is.
func (b Bounds) Allowed(vs []Variant) []Variant {
	var out []Variant
	for _, v := range vs {
		if b.within(v) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return vs
	}
	return out
}

// Choose picks the variant spec names among vs (lowest bitrate first):
// the first name of the list that matches one. auto is true when that
// name is auto (the relay adapts; the variant returned is where it
// starts). A spec none of whose names match is ErrNoMatch.
func Choose(spec string, vs []Variant) (v Variant, auto bool, err error) {
	for _, s := range strings.Split(spec, ",") {
		t, err := parseTerm(s)
		if err != nil {
			return Variant{}, false, err
		}
		if i := t.match(vs); i >= 0 {
			return vs[i], t.word == Auto, nil
		}
	}
	return Variant{}, false, fmt.Errorf("%w the quality %q", ErrNoMatch, spec)
}

// match is the index of the variant t names, -1 when none.
func (t term) match(vs []Variant) int {
	if len(vs) == 0 {
		return -1
	}
	switch t.word {
	case Worst:
		return 0
	case Best:
		return len(vs) - 1
	case Auto:
		return len(vs) / 2 // where adapting starts: the middle
	}
	found := -1
	for i, v := range vs { // the last that fits is the best that fits
		if (t.height > 0 && v.Height == t.height) || (t.bps > 0 && v.Bandwidth <= t.bps) {
			found = i
		}
	}
	return found
}

// Names lists the quality names of vs and the words, for a message.
func Names(vs []Variant) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return strings.Join(append(out, Worst, Best, Auto), ", ")
}
