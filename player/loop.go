package player

import (
	"strings"
	"time"
)

// progressRetry is how often (seconds) a coalesced progress event is offered
// again to a reader that fell behind while mpv itself is quiet, and how
// often a live load's end is looked for (live.go).
const progressRetry = 0.05

// loop is the only caller of mpv_wait_event. It turns mpv events into
// Player events and exits on shutdown, closing the channel.
func (p *Player) loop() {
	defer close(p.done)
	defer close(p.events)
	var pending *Event // latest progress the reader has not taken yet
	pass := func(evs []Event) {
		for _, e := range evs {
			if e.Kind == EventProgress {
				pending = &e
				continue
			}
			if pending != nil {
				p.send(*pending)
				pending = nil
			}
			p.send(e)
		}
	}
	for {
		timeout := -1.0
		if pending != nil || p.watchingLiveEnd() {
			timeout = progressRetry
		}
		for _, ev := range p.next(timeout) {
			if ev.ID == eventShutdown {
				return
			}
			if ev.ID == eventLogMessage {
				p.logMPV(ev)
			}
			pass(p.handle(ev))
		}
		pass(p.pollLiveEnd())
		if pending != nil {
			select {
			case p.events <- *pending:
				pending = nil
			default:
			}
		}
	}
}

// drainMax bounds the non-blocking drain in next, in case mpv produces
// events as fast as they are read.
const drainMax = 256

// next returns the next mpv event, or several in the order to handle them.
// mpv_wait_event hands out queued events before log messages, so the fatal
// line saying the video output failed can still wait behind the
// file-loaded and end-file error it caused. Before those two, drain what is
// pending and handle the log lines first: they were logged earlier.
func (p *Player) next(timeout float64) []mpvEvent {
	ev := p.m.WaitEvent(timeout)
	if ev.ID != eventFileLoaded && (ev.ID != eventEndFile || ev.Reason != endError) {
		return []mpvEvent{ev}
	}
	var logs, rest []mpvEvent
	for range drainMax {
		more := p.m.WaitEvent(0)
		if more.ID == eventNone {
			break
		}
		if more.ID == eventLogMessage {
			logs = append(logs, more)
			continue
		}
		rest = append(rest, more)
		if more.ID == eventShutdown {
			break
		}
	}
	return append(append(logs, ev), rest...)
}

// send blocks until the reader takes e, or drops it once Close has begun
// (nobody is reading then, and waiting would hang Close).
func (p *Player) send(e Event) {
	select {
	case p.events <- e:
		return
	default:
	}
	select {
	case p.events <- e:
	case <-p.closing:
	}
}

// handle updates the state for one mpv event and returns the Player events
// it causes. mpv calls made here are quick: the core never waits on us.
func (p *Player) handle(ev mpvEvent) []Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &p.s
	current := s.loadEntry > 0 && s.curEntry >= s.loadEntry && s.active
	switch ev.ID {
	case eventPropertyChange:
		return p.propertyChanged(ev, current)
	case eventStartFile:
		s.curEntry = ev.EntryID
	case eventFileLoaded:
		if !current || (s.voFailed && !s.voRetried) {
			return nil // the end-file error follows; fileEnded reloads
		}
		// duration's change notice tends to arrive after file-loaded.
		if d, err := p.m.GetPropertyDouble("duration"); err == nil {
			s.dur = fromSeconds(d)
		}
		p.judgeLive()
		return []Event{p.snapshot(EventLoaded)}
	case eventPlaybackRestart:
		// loadfile's start option opens the file at the resume position,
		// so its first restart is the first frame there.
		if !current || s.started {
			return nil
		}
		s.started = true
		if t, err := p.m.GetPropertyDouble("time-pos"); err == nil {
			s.setPos(fromSeconds(t))
		}
		// At file-loaded a live demuxer may already hold packets, or none
		// (a made-up duration either way); look again at the first frame.
		p.judgeLive()
		return []Event{p.snapshot(EventStart)}
	case eventLogMessage:
		if current && ev.Prefix == "cplayer" &&
			strings.HasPrefix(ev.Text, "Error opening/initializing the selected video_out") {
			s.voFailed = true
		}
	case eventEndFile:
		return p.fileEnded(ev)
	}
	return nil
}

func (p *Player) propertyChanged(ev mpvEvent, current bool) []Event {
	s := &p.s
	f, isFloat := ev.Value.(float64)
	b, _ := ev.Value.(bool) // unavailable flags read as false
	switch ev.ReplyUserdata {
	case propTimePos:
		// Before Start, Position stays at the requested start (mpv shows 0
		// until the resume seek). At the end time-pos turns unavailable
		// before end-file arrives: keep the last real value for End.
		if !current || !s.started || !isFloat {
			return nil
		}
		s.setPos(fromSeconds(f))
	case propDuration:
		if !current || !isFloat || s.live {
			return nil // a live stream's duration is only its cache end
		}
		s.dur = fromSeconds(f)
	case propCacheDuration:
		if !current {
			return nil
		}
		s.cache = fromSeconds(f)
	case propCacheTime:
		if !current {
			return nil
		}
		s.cacheTime, s.cacheTimeKnown = fromSeconds(f), isFloat
	case propVideoBitrate, propAudioBitrate:
		if !current {
			return nil
		}
		rate := 0.0
		if isFloat && f > 0 {
			rate = f
		}
		if ev.ReplyUserdata == propVideoBitrate {
			s.videoBitrate = rate
		} else {
			s.audioBitrate = rate
		}
		return nil // it rides on the next progress: no event of its own
	case propSpeed:
		if !isFloat {
			return nil
		}
		s.speed = f
	case propPausedForCache:
		if !current {
			return nil
		}
		s.buffering = b
	case propPause:
		s.paused = b
	case propVolume:
		if !isFloat {
			return nil
		}
		s.volume = f
	case propMute:
		s.muted = b
	case propCurrentVO:
		if v, ok := ev.Value.(string); ok {
			s.hasVideo = v != "null" && v != "libmpv" // libmpv draws into the pane, not a window
		}
		return nil
	case propVideoAspect:
		switch {
		case p.pane == nil:
		case isFloat:
			p.pane.setAspect(f)
		default: // the video output is gone (end of file, a switch)
			p.pane.forget()
		}
		return nil
	case propEOFReached:
		s.eofReached = b
		return nil
	case propCoreIdle:
		s.idle = b
		return nil
	default:
		return nil
	}
	return []Event{p.snapshot(EventProgress)}
}

func (p *Player) fileEnded(ev mpvEvent) []Event {
	s := &p.s
	if !s.active || ev.EntryID < s.loadEntry {
		return nil // a file the latest Load replaced, or End already sent
	}
	if ev.Reason == endRedirect {
		return nil // a playlist: its entries follow with higher ids
	}
	if ev.Reason == endError && s.voFailed && !s.voRetried && p.retryWithoutVideo() {
		p.log.Info("the video output failed to open: playing on without video", "url", s.url)
		return nil
	}
	s.active = false
	e := p.snapshot(EventEnd)
	switch ev.Reason {
	case endEOF, endStop, endQuit:
		e.Reason = ev.Reason.String()
	default:
		e.Reason = ReasonError
		e.Err = ev.EndErr
		if e.Err == nil {
			e.Err = ErrGeneric
		}
	}
	return []Event{e}
}

// retryWithoutVideo reloads the current URL with vo=null after the video
// output failed to open. mpv 0.35 ends such a file with an error rather
// than playing on without video, which would blame the host. Once per
// Player: vo stays null from then on.
func (p *Player) retryWithoutVideo() bool {
	s := &p.s
	s.voRetried, s.voFailed = true, false
	if p.m.SetPropertyString("vo", "null") != nil {
		return false
	}
	s.hasVideo = false
	if p.m.Command(loadfileArgs(s.url, s.start, mpvClientAPIVersion())...) != nil {
		return false
	}
	s.newLoad(s.url, s.start, p.queuedEntry())
	return true
}

func (p *Player) snapshot(kind EventKind) Event {
	s := &p.s
	return Event{
		Kind:      kind,
		URL:       s.url,
		Position:  s.pos,
		Duration:  s.dur,
		Cache:     s.cache,
		Buffering: s.buffering,
		Paused:    s.paused,
		Live:      s.live,
		Behind:    s.behind(),
		Volume:    s.volume,
		Muted:     s.muted,
		Window:    s.hasVideo,
		Speed:     s.speed,
		Bitrate:   s.videoBitrate + s.audioBitrate,
	}
}

// setPos takes mpv's time-pos, which after a seek past the end names the
// seek's target until the file ends: a clip's position stops at its end.
func (s *state) setPos(pos time.Duration) {
	if s.dur > 0 && !s.live {
		pos = min(pos, s.dur)
	}
	s.pos = pos
}

// judgeLive marks the current load live once mpv's duration turns out to
// be made up (see live.go); from then on its Duration is 0.
func (p *Player) judgeLive() {
	s := &p.s
	if !s.live && p.durationMadeUp() {
		s.live = true
		p.log.Debug("duration made up by mpv: a live stream", "url", s.url)
	}
	if s.live {
		s.dur = 0
	}
}
