package ui

import (
	"image"
	"math"
	"strconv"
	"strings"
)

// Frame is one picture for the pane: opaque RGBA pixels of the size the
// pane asked for (the picture letterboxed in them by the player when the
// shapes differ), and the video's display width over height (0: unknown,
// take the image's own), by which the pane plans its cells.
type Frame struct {
	Image  *image.RGBA
	Aspect float64
}

// FrameSource is where the pane's pictures come from: the player, through
// the program's wiring. The TUI calls it only inside commands.
type FrameSource interface {
	// NextFrame waits for a frame newer than the last one returned; false
	// once stop is closed or the source is gone.
	NextFrame(stop <-chan struct{}) (Frame, bool)
	// Resize asks for frames of w x h pixels: the picture's size in the
	// pane, which fitPicture gives.
	Resize(w, h int)
}

// colours is how the pane writes its colours.
type colours int

const (
	trueColour colours = iota // 24-bit SGR, where COLORTERM says the terminal has it
	palette256                // the xterm 256-colour palette, everywhere else
)

// halfBlock is the upper half block: its foreground paints the top pixel
// of a cell, its background the bottom one.
const halfBlock = "▀"

// defaultAspect shapes the pane before any frame has said otherwise.
const defaultAspect = 16.0 / 9

// frameAspect is the video's shape as f tells it, to plan the pane by.
func frameAspect(f Frame) float64 {
	if f.Aspect > 0 && !math.IsInf(f.Aspect, 0) {
		return f.Aspect
	}
	return imageAspect(f.Image)
}

// imageAspect is the shape of img's pixels, which the picture is drawn
// with: the player made them the size asked for, letterboxing the video in
// them when its shape had changed since. defaultAspect without an image.
func imageAspect(img *image.RGBA) float64 {
	if img == nil || img.Rect.Dx() <= 0 || img.Rect.Dy() <= 0 {
		return defaultAspect
	}
	return float64(img.Rect.Dx()) / float64(img.Rect.Dy())
}

// fitPicture is the size in pixels, an even height, of a picture of the
// given aspect inside cols x rows cells, where a cell is one pixel wide
// and two tall (so half-block pixels are about square). It is the one
// place that knows that geometry: the layout plans the pane with it, the
// pane asks the player for frames of the size it gives, and halfBlocks
// draws them at it.
func fitPicture(cols, rows int, aspect float64) image.Point {
	w, h := cols, 2*rows
	if w <= 0 || h <= 0 || aspect <= 0 {
		return image.Point{}
	}
	if fw := int(math.Round(float64(h) * aspect)); fw <= w {
		w = max(1, fw)
	} else {
		h = int(math.Round(float64(w)/aspect)) &^ 1
	}
	if h <= 0 {
		return image.Point{}
	}
	return image.Pt(w, h)
}

// halfBlocks draws f into exactly rows lines of exactly cols cells: the
// picture scaled to fit with its pixels' shape kept and centred, two pixels a cell
// (▀ with the top pixel as foreground and the bottom one as background),
// and the rest left in the terminal's own background. Each line is built
// on its own, so a renderer that compares lines redraws only those that
// changed. A frame without an image gives blank lines.
func halfBlocks(f Frame, cols, rows int, mode colours) []string {
	cols, rows = max(0, cols), max(0, rows)
	lines := make([]string, rows)
	blank := strings.Repeat(" ", cols)
	size := image.Point{}
	if f.Image != nil && !f.Image.Rect.Empty() {
		size = fitPicture(cols, rows, imageAspect(f.Image))
	}
	top := (rows - size.Y/2) / 2
	left := (cols - size.X) / 2
	var b strings.Builder
	for r := range rows {
		y := 2 * (r - top) // the picture's pixel row at the top of this cell
		if size.X == 0 || y < 0 || y >= size.Y {
			lines[r] = blank
			continue
		}
		b.Reset()
		b.WriteString(blank[:left])
		var pen sgrPen
		for x := range size.X {
			hi := sample(f.Image, x, y, size)
			lo := sample(f.Image, x, y+1, size)
			pen.paint(&b, hi, lo, mode)
			b.WriteString(halfBlock)
		}
		b.WriteString("\x1b[m")
		b.WriteString(blank[:cols-left-size.X])
		lines[r] = b.String()
	}
	return lines
}

// sample is the pixel of img under (x, y) of the picture drawn at size:
// nearest neighbour, taken at the centre of the target pixel, so an image
// already of that size is copied as it is.
func sample(img *image.RGBA, x, y int, size image.Point) [3]uint8 {
	b := img.Rect
	sx := b.Min.X + (2*x+1)*b.Dx()/(2*size.X)
	sy := b.Min.Y + (2*y+1)*b.Dy()/(2*size.Y)
	i := img.PixOffset(sx, sy)
	return [3]uint8{img.Pix[i], img.Pix[i+1], img.Pix[i+2]}
}

// sgrPen writes colour changes only: a run of cells of the same colours
// costs one escape sequence.
type sgrPen struct {
	fg, bg int  // the colours in use, as colourKey gives them
	set    bool // a colour has been written on this line
}

func (p *sgrPen) paint(b *strings.Builder, hi, lo [3]uint8, mode colours) {
	fg, bg := colourKey(hi, mode), colourKey(lo, mode)
	if p.set && fg == p.fg && bg == p.bg {
		return
	}
	b.WriteString("\x1b[")
	if !p.set || fg != p.fg {
		writeColour(b, "38", hi, fg, mode)
		if !p.set || bg != p.bg {
			b.WriteByte(';')
		}
	}
	if !p.set || bg != p.bg {
		writeColour(b, "48", lo, bg, mode)
	}
	b.WriteByte('m')
	p.fg, p.bg, p.set = fg, bg, true
}

// colourKey identifies a colour as it will be written: the RGB value in
// true colour, the palette index otherwise.
func colourKey(c [3]uint8, mode colours) int {
	if mode == palette256 {
		return int(xterm256(c))
	}
	return int(c[0])<<16 | int(c[1])<<8 | int(c[2])
}

func writeColour(b *strings.Builder, layer string, c [3]uint8, key int, mode colours) {
	b.WriteString(layer)
	var buf [4]byte
	if mode == palette256 {
		b.WriteString(";5;")
		b.Write(strconv.AppendInt(buf[:0], int64(key), 10))
		return
	}
	b.WriteString(";2;")
	for i, v := range c {
		if i > 0 {
			b.WriteByte(';')
		}
		b.Write(strconv.AppendInt(buf[:0], int64(v), 10))
	}
}
