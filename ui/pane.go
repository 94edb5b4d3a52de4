package ui

import (
	"image"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"clusterplay/video"
)

// Where the picture is: Options.Video and the v key's steps, in package
// video's words. The player is told through Controller.SetVideo with them.
const (
	VideoTerminal = video.Terminal // in the pane
	VideoWindow   = video.Window   // in mpv's own window (or nowhere, without a display)
	VideoOff      = video.Off      // the pane hidden by the v key
	VideoNone     = video.None     // no picture at all (--video none)
)

// pane shows the newest frame in half blocks at the size the layout gives
// it. It keeps that frame, so a resize redraws at once from what it has,
// before the player's next frame comes at the new size.
type pane struct {
	frame      Frame
	has        bool // a frame has come
	cols, rows int
	mode       colours
	lines      []string // frame drawn at cols x rows
}

func newPane(trueColor bool) pane {
	p := pane{mode: palette256}
	if trueColor {
		p.mode = trueColour
	}
	return p
}

// setFrame takes a new frame and draws it.
func (p *pane) setFrame(f Frame) {
	p.frame, p.has = f, f.Image != nil
	p.draw()
}

// setSize gives the pane its cells; the frame is drawn again at once.
func (p *pane) setSize(cols, rows int) {
	if cols == p.cols && rows == p.rows {
		return
	}
	p.cols, p.rows = max(0, cols), max(0, rows)
	p.draw()
}

func (p *pane) draw() {
	p.lines = nil
	if p.has {
		p.lines = halfBlocks(p.frame, p.cols, p.rows, p.mode)
	}
}

// aspect is the shape the layout plans the pane for.
func (p pane) aspect() float64 {
	if p.has {
		return frameAspect(p.frame)
	}
	return defaultAspect
}

// box is the size in pixels to ask the player's frames to be: the
// picture's in the pane's cells.
func (p pane) box() image.Point { return fitPicture(p.cols, p.rows, p.aspect()) }

// view is the pane's rows lines, each cols cells wide; until the first
// frame, a word in the middle says what is awaited.
func (p pane) view(s styles) []string {
	if p.lines != nil {
		return p.lines
	}
	lines := make([]string, p.rows)
	blank := strings.Repeat(" ", p.cols)
	for i := range lines {
		lines[i] = blank
	}
	if p.rows > 0 {
		word := ansi.Truncate("waiting for the picture…", p.cols, "")
		pad := (p.cols - ansi.StringWidth(word)) / 2
		lines[p.rows/2] = blank[:pad] + s.muted.Render(word) + blank[:p.cols-pad-ansi.StringWidth(word)]
	}
	return lines
}
