package core_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if os.Getenv(listenersEnv) != "" {
		// The test binary started as the listener process of the scale
		// benchmarks (startListeners).
		os.Exit(serveListeners())
	}
	goleak.VerifyTestMain(m)
}
