package coretest

import "strings"

// Index returns where s first appears in what was written so far, -1 when
// it does not: for asserting the order of log lines.
func (l *LogBuffer) Index(s string) int { return strings.Index(l.String(), s) }
