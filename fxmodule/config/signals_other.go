//go:build !unix

package config

import "os"

// userSignal reports that SIGUSR1 and SIGUSR2 do not exist here (Windows):
// health.lameduck.signals naming them is an error that says so.
func userSignal(string) (os.Signal, bool) { return nil, false }
