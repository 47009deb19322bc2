package coretest_test

import (
	"testing"

	"github.com/vitals-go/vitals/core/coretest"
)

// TestLogBufferLogger: the logger writes text records to the buffer.
func TestLogBufferLogger(t *testing.T) {
	var buf coretest.LogBuffer
	buf.Logger().Warn("shadowed", "check", "late")
	if !buf.Contains("level=WARN msg=shadowed check=late") {
		t.Errorf("logged %q", buf.String())
	}
}
