package coretest

import "log/slog"

// Logger returns a text logger (slog.NewTextHandler, default options)
// that writes to l, for core.WithLogger or a handler's Logger.
func (l *LogBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, nil))
}
