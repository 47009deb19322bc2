//go:build unix

package config

import (
	"os"
	"syscall"
)

// userSignal returns SIGUSR1 or SIGUSR2 by name (with its SIG prefix):
// they exist on Unix only.
func userSignal(name string) (os.Signal, bool) {
	switch name {
	case "SIGUSR1":
		return syscall.SIGUSR1, true
	case "SIGUSR2":
		return syscall.SIGUSR2, true
	}
	return nil, false
}
