package logging

import (
	"context"
	"fmt"
	"log/slog"

	"clusterplay/events"
)

// handler sits before slog's text or JSON handler: it drops lines the
// level or the filter leaves out, puts the component first, and hides
// secrets in every message and attribute.
type handler struct {
	inner     slog.Handler
	level     slog.Level
	filter    Filter
	component string
	// attrs are With's attributes, held back so that the component, which
	// a later With may replace, leads every line.
	attrs []slog.Attr
	// grouped: inner has a group open, into which attrs and the
	// component have been passed; nothing is held back any more.
	grouped bool
}

// Enabled is asked before a line is built: a line that is filtered out
// costs no formatting.
func (h *handler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level && h.filter.Allows(h.component)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append([]slog.Attr(nil), h.attrs...)
	var rest []slog.Attr
	for _, a := range as {
		if a.Key == Key && !h.grouped {
			c.component = a.Value.Resolve().String()
			continue
		}
		rest = append(rest, redactAttr(a))
	}
	if h.grouped {
		c.inner = h.inner.WithAttrs(rest)
		return &c
	}
	c.attrs = append(c.attrs, rest...)
	return &c
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.inner = h.inner.WithAttrs(c.leading()).WithGroup(name)
	c.attrs, c.grouped = nil, true
	return &c
}

// leading is what precedes a line's own attributes.
func (h *handler) leading() []slog.Attr {
	if h.grouped {
		return nil
	}
	out := make([]slog.Attr, 0, 1+len(h.attrs))
	if h.component != "" {
		out = append(out, slog.String(Key, h.component))
	}
	return append(out, h.attrs...)
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, safeText(r.Message), r.PC)
	out.AddAttrs(h.leading()...)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

// safeText hides a text's secrets and escapes the control characters a
// server may have put in it, as the events do: slog's JSON leaves C1 and
// the bidi controls raw, and the log may be a terminal (stderr).
func safeText(s string) string { return events.Escape(events.RedactText(s)) }

// redactAttr hides the secrets of an attribute's text. Values that are
// not plain numbers, times or durations are turned into their text first
// (an error, a URL, a struct), so that none reaches the file unredacted
// by way of its own formatting.
func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, safeText(v.String()))
	case slog.KindGroup:
		group := v.Group()
		red := make([]slog.Attr, len(group))
		for i, g := range group {
			red[i] = redactAttr(g)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(red...)}
	case slog.KindDuration:
		// As people write them ("1m0s"), in JSON too, where slog would
		// give nanoseconds; measured times are logged as _ms numbers.
		return slog.String(a.Key, v.Duration().String())
	case slog.KindAny:
		var text string
		switch x := v.Any().(type) {
		case error:
			text = x.Error()
		case fmt.Stringer:
			text = x.String()
		default:
			text = fmt.Sprint(x)
		}
		return slog.String(a.Key, safeText(text))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
