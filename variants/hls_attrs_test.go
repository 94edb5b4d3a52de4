package variants

import "testing"

// TestAttributes: a quoted value keeps its commas and loses its quotes;
// the names are upper case, the values trimmed.
func TestAttributes(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
	}{
		{`BANDWIDTH=1,CODECS="a,b",PATHWAY-ID="X",RESOLUTION=1x1`,
			map[string]string{"BANDWIDTH": "1", "CODECS": "a,b", "PATHWAY-ID": "X", "RESOLUTION": "1x1"}},
		{`bandwidth= 5 , NAME="unclosed`, map[string]string{"BANDWIDTH": "5", "NAME": "unclosed"}},
		{`NOVALUE`, map[string]string{}},
	}
	for _, tt := range tests {
		got := Attributes(tt.in)
		if len(got) != len(tt.want) {
			t.Errorf("%q: %q, want %q", tt.in, got, tt.want)
			continue
		}
		for k, v := range tt.want {
			if got[k] != v {
				t.Errorf("%q: %s = %q, want %q", tt.in, k, got[k], v)
			}
		}
	}
}
