package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// palette is the handful of colours the TUI uses. Every colour is picked from
// a light and a dark variant with lipgloss.LightDark, so the same palette
// reads on both kinds of terminal background. The background is reported by
// the terminal (tea.BackgroundColorMsg); until it answers we assume dark.
type palette struct {
	accent color.Color // titles, the serving host
	ok     color.Color // serving, playing
	warn   color.Color // connecting, buffering, remembered failures
	bad    color.Color // failed hosts, errors
	muted  color.Color // timestamps, column heads, secondary text
	track  color.Color // the empty part of the progress bar
}

func newPalette(isDark bool) palette {
	ld := lipgloss.LightDark(isDark)
	return palette{
		accent: ld(lipgloss.Color("#4B45C9"), lipgloss.Color("#8F8BFF")),
		ok:     ld(lipgloss.Color("#17803A"), lipgloss.Color("#52D67F")),
		warn:   ld(lipgloss.Color("#A35A00"), lipgloss.Color("#F2B45B")),
		bad:    ld(lipgloss.Color("#C0262D"), lipgloss.Color("#FF6B6B")),
		muted:  ld(lipgloss.Color("#6E6E6E"), lipgloss.Color("#8C8C8C")),
		track:  ld(lipgloss.Color("#CFCFCF"), lipgloss.Color("#3E3E3E")),
	}
}

// styles are the Lip Gloss styles derived from the palette. Only foreground
// colours and bold are used: no backgrounds, so nothing fights the
// terminal's own theme.
type styles struct {
	pal palette

	title  lipgloss.Style
	header lipgloss.Style // column heads
	muted  lipgloss.Style
	text   lipgloss.Style
	ok     lipgloss.Style
	warn   lipgloss.Style
	bad    lipgloss.Style
	accent lipgloss.Style

	help   help.Styles
	prompt textinput.Styles
}

func newStyles(isDark bool) styles {
	p := newPalette(isDark)
	s := styles{
		pal:    p,
		title:  lipgloss.NewStyle().Bold(true).Foreground(p.accent),
		header: lipgloss.NewStyle().Bold(true).Foreground(p.muted),
		muted:  lipgloss.NewStyle().Foreground(p.muted),
		text:   lipgloss.NewStyle(),
		ok:     lipgloss.NewStyle().Foreground(p.ok),
		warn:   lipgloss.NewStyle().Foreground(p.warn),
		bad:    lipgloss.NewStyle().Foreground(p.bad),
		accent: lipgloss.NewStyle().Foreground(p.accent),
		help:   help.DefaultStyles(isDark),
		prompt: textinput.DefaultStyles(isDark),
	}
	s.prompt.Focused.Prompt = lipgloss.NewStyle().Bold(true).Foreground(p.accent)
	s.prompt.Focused.Placeholder = lipgloss.NewStyle().Foreground(p.muted)
	return s
}

// level is how a log line or a state is coloured.
type level int

const (
	levelInfo level = iota
	levelOK
	levelWarn
	levelBad
	levelMuted
)

func (s styles) forLevel(l level) lipgloss.Style {
	switch l {
	case levelOK:
		return s.ok
	case levelWarn:
		return s.warn
	case levelBad:
		return s.bad
	case levelMuted:
		return s.muted
	}
	return s.text
}
