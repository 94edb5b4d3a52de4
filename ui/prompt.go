package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// prompt asks for a clip. It sits where the playback lines are, right under
// the cluster's name and host table, so the viewer sees where the clip will
// be looked for.
type prompt struct {
	input  textinput.Model
	keys   promptKeyMap
	active bool
	hint   string             // why the last Enter was refused
	check  func(string) error // says why a clip cannot be played; nil: any
}

func newPrompt(s styles) prompt {
	in := textinput.New()
	in.Prompt = "clip: "
	in.Placeholder = "path of the clip on the hosts, e.g. vod/clip.mp4"
	in.SetStyles(s.prompt)
	return prompt{input: in, keys: newPromptKeyMap()}
}

// open shows the prompt with an empty input and gives it the keyboard.
func (p *prompt) open() tea.Cmd {
	p.active = true
	p.hint = ""
	p.input.Reset()
	return p.input.Focus()
}

func (p *prompt) close() {
	p.active = false
	p.input.Blur()
}

// promptResult says what a key did to the prompt.
type promptResult int

const (
	promptTyping promptResult = iota
	promptSubmit
	promptCancel
)

// update handles a message while the prompt is open. On submit the clip is
// returned and the prompt is closed.
func (p *prompt) update(msg tea.Msg) (promptResult, string, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, p.keys.Play):
			clip := strings.TrimSpace(p.input.Value())
			if clip == "" {
				p.hint = "type a clip first"
				return promptTyping, "", nil
			}
			if p.check != nil {
				if err := p.check(clip); err != nil {
					p.hint = err.Error() // and ask again
					return promptTyping, "", nil
				}
			}
			p.close()
			return promptSubmit, clip, nil
		case key.Matches(k, p.keys.Cancel):
			p.close()
			return promptCancel, "", nil
		}
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if _, ok := msg.(tea.KeyPressMsg); ok {
		p.hint = ""
	}
	return promptTyping, "", cmd
}

// setWidth fits the input into width cells (prompt and cursor included).
func (p *prompt) setWidth(width int) {
	p.input.SetWidth(max(1, width-ansi.StringWidth(p.input.Prompt)-1))
}

// view renders two lines: where the clip will be looked for, and the input.
func (p prompt) view(s styles, cluster string, hosts, width int) string {
	head := fmt.Sprintf("play a clip from %s (%d hosts)", cluster, hosts)
	if hosts == 1 {
		head = fmt.Sprintf("play a clip from %s (1 host)", cluster)
	}
	if p.hint != "" {
		head += ": " + p.hint
	}
	line1 := s.title.Render(ansi.Truncate(head, width, "…"))
	line2 := ansi.Truncate(p.input.View(), width, "")
	return line1 + "\n" + line2
}
