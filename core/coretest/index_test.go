package coretest_test

import (
	"testing"

	"github.com/vitals-go/vitals/core/coretest"
)

// Index finds records in the order they were written, -1 for none.
func TestLogBufferIndex(t *testing.T) {
	var buf coretest.LogBuffer
	log := buf.Logger()
	log.Info("first", "k", 1)
	log.Warn("second")
	first, second := buf.Index("msg=first k=1"), buf.Index("level=WARN msg=second")
	if first < 0 || second < 0 || first > second {
		t.Errorf("Index = %d, %d; want both found, in order:\n%s", first, second, buf.String())
	}
	if got := buf.Index("missing"); got != -1 {
		t.Errorf("Index(missing) = %d, want -1", got)
	}
}
