//go:build !race

package wasmprobe

// raceEnabled reports whether the tests run under the race detector, whose
// shadow memory needs more address space than a memory limit allows.
const raceEnabled = false
