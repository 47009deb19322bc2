package coretest

import (
	"log/slog"
	"strings"
)

// Logger returns a logger that writes text records (slog.NewTextHandler,
// level Info and up) to l.
func (l *LogBuffer) Logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// Index returns where s first appears in what was written so far, -1 when
// it does not: for asserting the order of log lines.
func (l *LogBuffer) Index(s string) int { return strings.Index(l.String(), s) }
