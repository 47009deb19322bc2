package probe

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
)

// Log sends one line to the application's logger, through the host, with
// the probe's name attached by the host. args are slog key-value pairs or
// slog.Attr values, written after the message as key=value. The host maps
// the level to debug (< Info), info, warn or error (≥ Error), and caps the
// lines per check and the bytes per line (ABI.md, vitals.log).
func (ctx Context) Log(level slog.Level, msg string, args ...any) {
	ctx.Logger().Log(context.Background(), level, msg, args...)
}

// Logger returns a *slog.Logger that logs through the host like Log.
func (ctx Context) Logger() *slog.Logger {
	if ctx.c.logger == nil {
		ctx.c.logger = newHostLogger(ctx.c)
	}
	return ctx.c.logger.slog
}

// abiLevel maps a slog level to the level of vitals.log.
func abiLevel(l slog.Level) int32 {
	switch {
	case l < slog.LevelInfo:
		return 0
	case l < slog.LevelWarn:
		return 1
	case l < slog.LevelError:
		return 2
	}
	return 3
}

// hostLogger formats records as "message key=value ..." (slog's text
// format for the attributes) and sends each to the host as one line.
type hostLogger struct {
	c    *call
	mu   sync.Mutex
	buf  bytes.Buffer
	slog *slog.Logger
}

func newHostLogger(c *call) *hostLogger {
	l := &hostLogger{c: c}
	text := slog.NewTextHandler(&l.buf, &slog.HandlerOptions{
		Level: slog.Level(-1 << 20),
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey || a.Key == slog.MessageKey) {
				return slog.Attr{}
			}
			return a
		},
	})
	l.slog = slog.New(&hostHandler{l: l, text: text})
	return l
}

type hostHandler struct {
	l    *hostLogger
	text slog.Handler
}

func (h *hostHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *hostHandler) Handle(ctx context.Context, r slog.Record) error {
	l := h.l
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Reset()
	l.buf.WriteString(r.Message)
	mark := l.buf.Len()
	l.buf.WriteByte(' ')
	rec := slog.NewRecord(r.Time, r.Level, "", r.PC)
	r.Attrs(func(a slog.Attr) bool { rec.AddAttrs(a); return true })
	if err := h.text.Handle(ctx, rec); err != nil {
		return err
	}
	line := bytes.TrimRight(l.buf.Bytes(), "\n")
	if len(line) == mark+1 {
		line = line[:mark]
	}
	l.c.host.Log(abiLevel(r.Level), line)
	return nil
}

func (h *hostHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &hostHandler{l: h.l, text: h.text.WithAttrs(attrs)}
}

func (h *hostHandler) WithGroup(name string) slog.Handler {
	return &hostHandler{l: h.l, text: h.text.WithGroup(name)}
}
