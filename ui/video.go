package ui

import (
	"image"

	tea "charm.land/bubbletea/v2"
)

// moveVideo is the v key: the picture goes from the pane to the window and
// back when a display answers, else the pane is turned off and on. The
// model shows the move at once; the player is told in a command.
func (m *Model) moveVideo() tea.Cmd {
	if m.opts.Frames == nil {
		m.logf(levelWarn, "no picture to move: video is none (--video)")
		return nil
	}
	next := VideoTerminal
	if m.video == VideoTerminal {
		next = VideoOff
		if m.opts.Display {
			next = VideoWindow
		}
	}
	m.video = next
	m.layout()
	c, note := m.ctrl, videoNote(next, m.opts.Display)
	return func() tea.Msg {
		if err := c.SetVideo(next); err != nil {
			return actionMsg{what: "moving the picture", err: err}
		}
		return actionMsg{note: note, level: levelInfo}
	}
}

// videoNote says where the picture is now, and what v does next.
func videoNote(where string, display bool) string {
	switch {
	case where == VideoTerminal && display:
		return "picture in the terminal (v moves it to a window)"
	case where == VideoTerminal:
		return "picture in the terminal (v hides it)"
	case where == VideoWindow:
		return "picture in a window (v brings it back here)"
	}
	return "picture off (v shows it)"
}

// askPaneSize tells the frame source the pane's size in pixels when it
// changed, so the player draws the next frames for it (nothing while the
// pane is hidden).
func (m *Model) askPaneSize() tea.Cmd {
	src := m.opts.Frames
	if src == nil {
		return nil
	}
	box := image.Point{}
	if m.video == VideoTerminal && m.plan.paneRows > 0 {
		box = m.pane.box()
	}
	if box == m.paneAsked {
		return nil
	}
	m.paneAsked = box
	return func() tea.Msg {
		src.Resize(box.X, box.Y)
		return nil
	}
}
