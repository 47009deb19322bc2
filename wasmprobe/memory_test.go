package wasmprobe

import (
	"runtime"
	"testing"
)

// heapInuse is the Go heap in use after a full collection.
func heapInuse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestHostileMemoryBounded runs the hostile modules that hold host memory
// (deep recursion, memory.grow to the cap, spinning and sleeping to the
// deadline, log spam, traps, big input, network floods) round after round
// on one provider, and checks that the host's Go heap does not grow with
// the rounds: what a broken instance held is released when it is closed.
func TestHostileMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the hostile set several times")
	}
	p, _ := newProvider(t, Options{})
	set := map[string]bool{"recurse": true, "grow": true, "spin": true, "sleep": true, "unreachable": true, "echo": true, "stdio": true, "exit": true, "logspam": true, "netloop": true, "table_grow": true}
	var cases []hostileCase
	for _, tc := range hostileCases {
		if set[tc.module] {
			cases = append(cases, tc)
		}
	}
	round := func() {
		for _, tc := range cases {
			checkHostile(t, tc, run(t, p, component("mem-"+tc.module, tc.module, tc.timeout, tc.config...)))
		}
		assertServing(t, p)
	}
	round() // compiles, creates the runtimes
	base := heapInuse()
	var var0 runtime.MemStats
	runtime.ReadMemStats(&var0)
	const rounds = 4
	var peak uint64
	for i := range rounds {
		round()
		h := heapInuse()
		peak = max(peak, h)
		t.Logf("round %d: heap in use %d MiB (base %d MiB)", i+1, h>>20, base>>20)
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	t.Logf("allocated per round: %d MiB", (m.TotalAlloc-var0.TotalAlloc)/rounds>>20)
	// A leak of one recursion stack (hundreds of MiB) or one capped memory
	// (16 MiB) per round would show; the bound leaves room for the GC's
	// own variation.
	const bound = 32 << 20
	if peak > base+bound {
		t.Fatalf("heap in use grew from %d MiB to %d MiB over %d rounds of hostile probes", base>>20, peak>>20, rounds)
	}
}
