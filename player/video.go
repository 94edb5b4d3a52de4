package player

import (
	"fmt"
	"strings"

	"clusterplay/video"
)

// Video says where the picture goes.
type Video string

// The words are package video's.
const (
	// VideoAuto is VideoWindow when a display answers (or a video output
	// was named with Options.VO), else VideoTerminal.
	VideoAuto Video = video.Auto
	// VideoWindow is mpv's own window; without a display, no picture.
	VideoWindow Video = video.Window
	// VideoTerminal draws the picture into frames for a pane of the
	// terminal UI (Player.Pane), through mpv's software renderer.
	VideoTerminal Video = video.Terminal
	// VideoNone decodes no picture and plays no sound (vo and ao null).
	VideoNone Video = video.None
	// VideoOff is only for SetVideo: the pane draws nothing for now, and
	// mpv keeps its video output, so the pane can come back at once.
	VideoOff Video = video.Off
)

// video is the mode New sets up: auto resolved, NoVideo honoured.
func (o Options) video() Video {
	switch {
	case o.NoVideo || o.Video == VideoNone:
		return VideoNone
	case o.Video == VideoAuto && o.VO == "" && !displayAvailable():
		return VideoTerminal
	case o.Video == VideoTerminal:
		return VideoTerminal
	}
	return VideoWindow
}

// Video is where the picture goes now: the mode New resolved, then what
// SetVideo chose.
func (p *Player) Video() Video {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.video
}

// DisplayAvailable reports whether a window could open (see
// displayAvailable), for a UI that offers to switch to one.
func DisplayAvailable() bool { return displayAvailable() }

// SetVideo moves the picture while playing: VideoTerminal draws it into
// the pane, VideoOff stops drawing it, VideoWindow hands it to mpv's own
// window. Switching between the pane and the window changes mpv's video
// output on the fly. A Player made with VideoNone has no picture to move.
func (p *Player) SetVideo(v Video) error {
	if p.closed() {
		return ErrClosed
	}
	if p.pane == nil {
		return fmt.Errorf("player: no picture to show (video is %s)", p.Video())
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var vo string
	switch v {
	case VideoTerminal, VideoOff:
		// The render context before the output that draws through it.
		if err := p.pane.start(); err != nil {
			return err
		}
		vo = "libmpv"
	case VideoWindow:
		vo = p.windowVO
	default:
		return fmt.Errorf("player: cannot switch video to %q: %w", v, ErrInvalidParameter)
	}
	if cur, err := p.m.GetPropertyString("vo"); err != nil || cur != vo {
		if err := p.m.SetPropertyString("vo", vo); err != nil {
			return err
		}
		p.pane.forget()
	}
	p.pane.Show(v == VideoTerminal)
	p.video = v
	return nil
}

// windowOutputs are mpv's own video outputs in the order it tries them
// (mpv 0.35), without libmpv: once a render context exists mpv would try
// libmpv first and open no window, so a switch to the window names them.
// Names this build lacks are skipped; null last, so that playback goes on
// without a window rather than failing.
const windowOutputs = "gpu,gpu-next,vdpau,direct3d,wlshm,xv,sdl,dmabuf-wayland,vaapi,x11,null"

// windowVO is the vo of a switch to VideoWindow. configured is mpv's vo
// after initialize, the user's mpv config applied: the output it names is
// kept; else the one the options name, null where no display answers, or
// mpv's own choice spelt out as windowOutputs.
func (o Options) windowVO(configured string) string {
	vo := configured
	if vo == "" || vo == "libmpv" {
		w := o
		w.NoVideo, w.Video = false, VideoWindow
		list, _ := w.mpvOptions()
		vo = ""
		for _, opt := range list {
			if opt.name == "vo" {
				vo = opt.value
			}
		}
	}
	switch {
	case vo == "" || strings.HasSuffix(vo, ","):
		return vo + windowOutputs
	case !hasListEntry(vo, "null"):
		return vo + ",null"
	}
	return vo
}
