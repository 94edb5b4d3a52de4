package ui

import (
	"fmt"
	"image"
	"strings"
	"sync/atomic"
	"time"

	"clusterplay/events"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"clusterplay/report"
	"clusterplay/watch"
)

// Model is the root model: it owns the child components (host table, event
// log, playback bar, clip prompt, help footer), routes messages to them and
// lays them out. It implements tea.Model.
type Model struct {
	opts   Options
	ctrl   Controller
	events <-chan events.Event
	stop   <-chan struct{} // closed by Run when the program is over

	keys   keyMap
	styles styles
	isDark bool

	width, height int
	tableRows     int        // lines given to the host table, header included
	plan          screenPlan // where the pane and the column go

	now time.Time // latest clock tick or event time; View never reads the clock
	// fold is the one reading of the events (the same as get_status's
	// and the exit code's); status is its playback as of the last event.
	fold       *watch.Fold
	status     Status
	hasWindow  bool
	lb         bool         // load balancing, as shown: a key flips it before the engine confirms
	clip       string       // the clip shown: the prompt's at once, then the events'
	closed     bool         // the events channel is closed
	quitCalled *atomic.Bool // ctrl.Quit has been called (shared with commands)

	hosts  hostTable
	log    eventLog
	bar    playBar
	prompt prompt
	help   help.Model

	video     string      // where the picture is: VideoTerminal, VideoWindow, VideoOff or VideoNone
	pane      pane        // the picture, when video is VideoTerminal
	paneAsked image.Point // the pixel box last asked of opts.Frames
}

// New builds the root model. Nothing is started until the program calls
// Init: the model waits on events and calls ctrl only through commands.
func New(opts Options, ctrl Controller, events <-chan events.Event) *Model {
	if opts.ClusterName == "" {
		opts.ClusterName = "cluster"
	}
	fold := watch.New(watch.Options{Hosts: opts.Hosts, Clip: opts.Clip, LoadBalancing: opts.LoadBalancing, Volume: opts.Volume})
	m := &Model{
		opts:       opts,
		ctrl:       ctrl,
		events:     events,
		keys:       newKeyMap(),
		isDark:     true,
		width:      80,
		height:     24,
		fold:       fold,
		status:     fold.Playback(),
		lb:         opts.LoadBalancing,
		clip:       opts.Clip,
		quitCalled: new(atomic.Bool),
		hosts:      newHostTable(fold),
		log:        newEventLog(),
		bar:        newPlayBar(),
		help:       help.New(),
		video:      opts.Video,
		pane:       newPane(opts.TrueColor),
	}
	switch {
	case m.video == "":
		m.video = VideoWindow
	case m.video == VideoTerminal && opts.Frames == nil:
		m.video = VideoNone // nothing would ever fill the pane
	}
	m.keys.hasPicture = opts.Frames != nil
	m.styles = newStyles(m.isDark)
	m.help.Styles = m.styles.help
	// Two spaces between the full help's columns let four of them fit
	// 80 columns.
	m.help.FullSeparator = "  "
	m.prompt = newPrompt(m.styles)
	m.prompt.check = opts.CheckClip
	if opts.Notice != "" {
		m.log.add(m.styles, time.Time{}, opts.Notice, levelInfo, false)
	}
	if opts.Clip == "" {
		m.prompt.open()
	}
	m.setWindow(opts.Window, true)
	m.layout()
	return m
}

// Init starts the background work: the background colour query, the
// clock, the event wait, and either the clip from Options or the prompt's
// cursor.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{
		tea.RequestBackgroundColor,
		tickClock(),
		waitForEvent(m.events, m.stop),
	}
	if m.opts.Clip != "" && !m.opts.SessionPlays {
		cmds = append(cmds, m.playCmd(m.opts.Clip))
	} else {
		cmds = append(cmds, m.prompt.input.Focus())
	}
	cmds = append(cmds, waitForFrame(m.opts.Frames, m.stop), m.askPaneSize())
	return tea.Batch(cmds...)
}

// Update folds a message into the model and returns the follow-up command,
// with the pane's new size for the player when the fold changed it.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := m.update(msg)
	if ask := m.askPaneSize(); ask != nil {
		cmd = tea.Batch(cmd, ask)
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
	case tea.BackgroundColorMsg:
		m.setDark(msg.IsDark())
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case eventMsg:
		m.applyEvent(msg.ev)
		m.keys.ended = m.status.State == "ended"
		return m, waitForEvent(m.events, m.stop)
	case eventsMsg:
		for _, ev := range msg.evs {
			m.applyEvent(ev)
		}
		m.keys.ended = m.status.State == "ended"
		if msg.closed {
			return m.update(eventsClosedMsg{})
		}
		return m, waitForEvent(m.events, m.stop)
	case eventsClosedMsg:
		m.closed = true
		m.logf(levelMuted, "event stream closed")
	case clockMsg:
		m.advance(msg.now)
		return m, tickClock()
	case frameMsg:
		shape := m.pane.aspect()
		m.pane.setFrame(msg.f)
		if m.pane.aspect() != shape {
			m.layout()
		}
		return m, waitForFrame(m.opts.Frames, m.stop)
	case actionMsg:
		switch {
		case msg.err != nil:
			m.logf(levelBad, "%s failed: %v", msg.what, msg.err)
		case msg.note != "":
			m.logf(msg.level, "%s", msg.note)
		}
	default:
		// Cursor blinks and the like belong to the prompt.
		if m.prompt.active {
			_, _, cmd := m.prompt.update(msg)
			return m, cmd
		}
	}
	return m, nil
}

func lbText(on bool) string {
	if on {
		return "load balancing: on"
	}
	return "load balancing: off"
}

// applyEvent folds an engine or playback event into the watch, which the
// table and the bar render, and into the log. The events are the only
// source of what the TUI shows.
func (m *Model) applyEvent(ev events.Event) {
	m.advance(ev.Time)
	tableHeight := m.hosts.height()
	speed := m.status.Speed
	if row := m.fold.Apply(ev); row >= 0 {
		m.hosts.focus = row
	}
	m.status = m.fold.Playback()
	if m.hosts.height() != tableHeight {
		m.layout() // the detail line came or went
	}
	switch ev.Kind {
	case events.Tick:
		if ev.Speed > 0 && speed > 0 && ev.Speed != speed {
			m.logf(levelInfo, "speed %s", speedText(ev.Speed))
		}
		m.setWindow(ev.Window, false)
		return
	case events.StateChanged:
		if ev.Clip != "" {
			m.clip = ev.Clip // a script's load, the prompt's, the playlist's next
		}
		return // the bar shows it; the log tells what caused it
	case events.LoadBalancing:
		m.lb = ev.On
		m.logf(levelInfo, "%s", lbText(ev.On))
		return
	case events.Notice:
		m.logf(levelWarn, "%s", ev.Message)
		return
	}
	m.log.add(m.styles, ev.Time, report.Line(ev), eventLevel(ev), ev.Kind == events.Fetch)
}

func eventLevel(ev events.Event) level {
	switch ev.Kind {
	case events.ConnectFailed, events.Failed:
		return levelBad
	case events.Resolved, events.Start:
		return levelOK
	case events.Skip, events.Failover:
		return levelWarn
	case events.ConnectCancelled, events.Redirect:
		return levelMuted
	case events.End:
		if ev.Err != "" || ev.Reason == "error" {
			return levelBad
		}
	}
	return levelInfo
}

// advance moves the model's clock forward (never back).
func (m *Model) advance(t time.Time) {
	if t.After(m.now) {
		m.now = t
	}
}

// logf adds a line from the TUI itself, stamped with the model's clock.
func (m *Model) logf(l level, format string, args ...any) {
	m.log.add(m.styles, m.now, fmt.Sprintf(format, args...), l, false)
}

// setWindow follows whether the player has a window; losing it (or not
// having one at start) is said once in the log, unless the picture is
// in the pane and no window was expected.
func (m *Model) setWindow(has, first bool) {
	if !first && m.hasWindow == has {
		return
	}
	m.hasWindow, m.keys.hasWindow = has, has
	switch {
	case first && m.video == VideoTerminal:
		m.logf(levelInfo, "%s", videoNote(VideoTerminal, m.opts.Display))
	case !has && m.video == VideoWindow && m.opts.Frames != nil:
		m.logf(levelWarn, "no display: playing without a window (v shows the picture here)")
	case !has && m.video == VideoWindow:
		m.logf(levelWarn, "no display: playing without a window")
	}
	m.layout()
}

func (m *Model) setDark(dark bool) {
	m.isDark = dark
	m.styles = newStyles(dark)
	m.help.Styles = m.styles.help
	m.prompt.input.SetStyles(m.styles.prompt)
	m.log.restyle(m.styles)
}

// layout shares the screen out (see planScreen): header 1, the pane when
// the picture is in it, the host table, playback or prompt 2, events title
// 1, the log, help 1 or more.
func (m *Model) layout() {
	w, h := max(1, m.width), max(1, m.height)
	m.help.SetWidth(w)
	p := planScreen(w, h, lipgloss.Height(m.helpView()), m.hosts.height(), m.video == VideoTerminal, m.pane.aspect())
	m.plan, m.tableRows = p, p.tableRows
	m.prompt.setWidth(p.colW)
	m.log.setSize(m.styles, p.colW, p.logRows)
	m.pane.setSize(p.paneCols, p.paneRows)
}

func (m *Model) helpView() string {
	if m.prompt.active {
		return m.help.View(m.prompt.keys)
	}
	return m.help.View(m.keys)
}

// View renders the whole screen. It never reads the clock and never calls
// the controller; every line fits the window.
func (m *Model) View() tea.View {
	w, h := max(1, m.width), max(1, m.height)
	p := m.plan
	var parts []string
	parts = append(parts, m.headerView(w))
	col := m.columnView(p.colW)
	switch {
	case p.paneRows > 0 && p.side:
		parts = append(parts, beside(m.pane.view(m.styles), p.paneCols, col, h-1-lipgloss.Height(m.helpView())))
	case p.paneRows > 0:
		parts = append(parts, m.pane.view(m.styles)...)
		parts = append(parts, col...)
	default:
		parts = append(parts, col...)
	}
	parts = append(parts, m.helpView())

	v := tea.NewView(fit(strings.Join(parts, "\n"), w, h))
	v.AltScreen = true
	v.WindowTitle = "clusterplay: " + m.opts.ClusterName
	return v
}

// columnView is the host table, the playback bar or prompt, the events
// title and the log, w cells wide, as lists of lines.
func (m *Model) columnView(w int) []string {
	var parts []string
	if t := m.hosts.view(m.styles, m.now, w, m.tableRows); t != "" {
		parts = append(parts, t)
	}
	if m.prompt.active {
		parts = append(parts, m.prompt.view(m.styles, m.opts.ClusterName, len(m.opts.Hosts), w))
	} else {
		parts = append(parts, m.bar.view(m.styles, m.status, m.lb, w))
	}
	parts = append(parts, m.logTitle(w))
	if lv := m.log.view(); lv != "" {
		parts = append(parts, lv)
	}
	return parts
}

func (m *Model) headerView(w int) string {
	n := len(m.opts.Hosts)
	hosts := fmt.Sprintf(" · %d hosts", n)
	if n == 1 {
		hosts = " · 1 host"
	}
	left := m.styles.title.Render("clusterplay") + " " + m.styles.accent.Render(m.opts.ClusterName) + m.styles.muted.Render(hosts)
	room := w - ansi.StringWidth(left) - 2
	if room < 8 {
		return ansi.Truncate(left, w, "…")
	}
	right := "no clip"
	if m.clip != "" {
		label := "clip: "
		if m.status.Items > 1 {
			label = fmt.Sprintf("clip %d/%d: ", m.status.Item, m.status.Items)
		}
		right = label + shortURL(events.RedactURL(m.clip), room-len(label))
	}
	right = m.styles.muted.Render(ansi.Truncate(right, room, "…"))
	pad := w - ansi.StringWidth(left) - ansi.StringWidth(right)
	return left + strings.Repeat(" ", max(2, pad)) + right
}

// logTitle is the log's title line: how many lines lie below when
// scrolled up, and how many fetched lines are hidden (i shows them).
func (m *Model) logTitle(w int) string {
	title := m.styles.header.Render("events")
	if n := m.log.hiddenBelow(); n > 0 && !m.log.follow {
		title += m.styles.muted.Render(fmt.Sprintf("  ↓ %d newer (end)", n))
	}
	switch n := m.log.hiddenFetches(); {
	case n == 1:
		title += m.styles.muted.Render("  1 fetch line hidden (i shows)")
	case n > 1:
		title += m.styles.muted.Render(fmt.Sprintf("  %d fetch lines hidden (i shows)", n))
	case m.log.showFetches:
		title += m.styles.muted.Render("  fetch lines shown (i hides)")
	}
	return ansi.Truncate(title, w, "…")
}

// fit cuts content to at most h lines of at most w cells.
func fit(content string, w, h int) string {
	lines := strings.Split(content, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	return strings.Join(lines, "\n")
}
