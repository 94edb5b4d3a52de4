// Package ui is clusterplay's terminal UI, on Bubble Tea: a header, the
// host table with every attempt live (hosttable.go, and the focused host's
// phases under it), the playback bar or the clip prompt, the event log,
// the help line, and, with --video terminal, the picture itself in half
// blocks (pane.go, halfblock.go, whose fitPicture alone knows that a cell
// holds two pixels). layout.go shares the screen out between them.
//
// What it shows is the events' one fold (package watch), which Model.Update
// feeds: it never asks the engine, the session or the player what is
// going on. What the
// user does goes out through the Controller (the keys of keys.go and
// actions.go, the prompt), always inside a tea.Cmd, so no key waits for
// the session; the pane's frames come in through a FrameSource. Run shows
// it on a terminal and puts the terminal back however it ends.
//
// It imports events, watch and report's sentences, and neither the
// engine, the session nor the player: the program's builder (app) adapts
// those to the Controller and the FrameSource.
package ui
