package ui

import (
	"image"
	"image/color"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var (
	red   = color.RGBA{255, 0, 0, 255}
	blue  = color.RGBA{0, 0, 255, 255}
	green = color.RGBA{0, 255, 0, 255}
	white = color.RGBA{255, 255, 255, 255}
	grey  = color.RGBA{128, 128, 128, 255}
)

// picture builds an image from rows of colours, one entry a pixel.
func picture(rows ...[]color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, len(rows[0]), len(rows)))
	for y, row := range rows {
		for x, c := range row {
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func row(c color.RGBA, n int) []color.RGBA { return slices.Repeat([]color.RGBA{c}, n) }

// Cells written the way halfBlocks writes them.
const (
	redOverBlue = "\x1b[38;2;255;0;0;48;2;0;0;255m"
	reset       = "\x1b[m"
)

func TestHalfBlocks(t *testing.T) {
	t.Parallel()
	quadrants := picture(
		[]color.RGBA{red, red, green, green},
		[]color.RGBA{red, red, green, green},
		[]color.RGBA{blue, blue, white, white},
		[]color.RGBA{blue, blue, white, white},
	)
	for _, tc := range []struct {
		name       string
		f          Frame
		cols, rows int
		mode       colours
		want       []string
	}{
		{"top pixel is the foreground, a run costs one escape",
			Frame{Image: picture(row(red, 2), row(blue, 2))}, 2, 1, trueColour,
			[]string{redOverBlue + "▀▀" + reset}},
		{"a change of one colour writes only that one",
			Frame{Image: picture([]color.RGBA{red, green}, row(blue, 2))}, 2, 1, trueColour,
			[]string{redOverBlue + "▀\x1b[38;2;0;255;0m▀" + reset}},
		{"scaled down, sampled at the pixel centres",
			Frame{Image: quadrants}, 2, 1, trueColour,
			[]string{redOverBlue + "▀\x1b[38;2;0;255;0;48;2;255;255;255m▀" + reset}},
		{"wider pane: bars left and right in the terminal's background",
			Frame{Image: picture(row(red, 2), row(blue, 2))}, 6, 1, trueColour,
			[]string{"  " + redOverBlue + "▀▀" + reset + "  "}},
		{"taller pane: blank lines above and below",
			Frame{Image: picture(row(red, 2), row(blue, 2))}, 2, 3, trueColour,
			[]string{"  ", redOverBlue + "▀▀" + reset, "  "}},
		{"drawn at its pixels' shape, not the video's: the player letterboxed it",
			Frame{Image: picture(row(red, 2), row(blue, 2)), Aspect: 2}, 3, 1, trueColour,
			[]string{redOverBlue + "▀▀" + reset + " "}},
		{"256 colours: the palette's red over blue",
			Frame{Image: picture(row(red, 2), row(blue, 2))}, 2, 1, palette256,
			[]string{"\x1b[38;5;196;48;5;21m▀▀" + reset}},
		{"256 colours: grey takes the grey ramp",
			Frame{Image: picture(row(grey, 1), row(white, 1))}, 1, 1, palette256,
			[]string{"\x1b[38;5;244;48;5;231m▀" + reset}},
		{"no image: blank", Frame{}, 3, 2, trueColour, []string{"   ", "   "}},
		{"no room", Frame{Image: quadrants}, 0, 0, trueColour, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := halfBlocks(tc.f, tc.cols, tc.rows, tc.mode)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestHalfBlocksKeepShape draws a 16:9 frame into panes of many sizes:
// every line is exactly the pane's width, and the picture keeps its shape
// within a pixel of rounding.
func TestHalfBlocksKeepShape(t *testing.T) {
	t.Parallel()
	img := image.NewRGBA(image.Rect(0, 0, 64, 36))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	for cols := 1; cols <= 130; cols += 7 {
		for rows := 1; rows <= 45; rows += 4 {
			lines := halfBlocks(Frame{Image: img}, cols, rows, trueColour)
			if len(lines) != rows {
				t.Fatalf("%dx%d: %d lines", cols, rows, len(lines))
			}
			cells, height := 0, 0
			for _, l := range lines {
				if w := ansi.StringWidth(l); w != cols {
					t.Fatalf("%dx%d: a line %d wide: %q", cols, rows, w, l)
				}
				if n := strings.Count(l, halfBlock); n > 0 {
					cells, height = n, height+1
				}
			}
			if height == 0 {
				continue // too small for even two pixel rows of picture
			}
			if ratio := float64(cells) / float64(2*height); ratio < 16.0/9*0.8 || ratio > 16.0/9*1.25 {
				t.Errorf("%dx%d: picture %dx%d cells, shape %.2f, want 16:9", cols, rows, cells, height, ratio)
			}
		}
	}
}

func TestXterm256(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		c    [3]uint8
		want uint8
	}{
		{[3]uint8{0, 0, 0}, 16},
		{[3]uint8{255, 255, 255}, 231},
		{[3]uint8{255, 0, 0}, 196},
		{[3]uint8{0, 255, 0}, 46},
		{[3]uint8{0, 0, 255}, 21},
		{[3]uint8{95, 135, 175}, 16 + 36*1 + 6*2 + 3},
		{[3]uint8{128, 128, 128}, 244},
		{[3]uint8{8, 8, 8}, 232},
		{[3]uint8{238, 238, 238}, 255},
	} {
		if got := xterm256(tc.c); got != tc.want {
			t.Errorf("xterm256(%v) = %d, want %d", tc.c, got, tc.want)
		}
	}
}

func TestFitPicture(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cols, rows int
		aspect     float64
		want       image.Point
	}{
		{120, 26, 16.0 / 9, image.Pt(92, 52)},
		{60, 30, 16.0 / 9, image.Pt(60, 34)},
		{11, 3, 16.0 / 9, image.Pt(11, 6)},
		{100, 18, 16.0 / 9, image.Pt(64, 36)},
		{32, 50, 16.0 / 9, image.Pt(32, 18)},
		{10, 20, 4.0 / 3, image.Pt(10, 8)},
		{120, 21, 16.0 / 9, image.Pt(75, 42)},
		{1, 10, 16.0 / 9, image.Point{}},
		{10, 0, 1, image.Point{}},
		{10, 10, 0, image.Point{}},
	} {
		if got := fitPicture(tc.cols, tc.rows, tc.aspect); got != tc.want {
			t.Errorf("fitPicture(%d, %d, %.2f) = %v, want %v", tc.cols, tc.rows, tc.aspect, got, tc.want)
		}
	}
}
