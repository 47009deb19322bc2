package main

import (
	"os"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	stdout := os.Stdout
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	os.Stdout = devnull
	defer func() { os.Stdout = stdout }()
	for _, tc := range []struct {
		module, config string
		allow          []string
		want           int
	}{
		{"../../../testdata/wasm/noop.wasm", `{}`, nil, 0},
		{"../../../testdata/wasm/degraded.wasm", `{}`, nil, 1},
		{"../../../testdata/wasm/down.wasm", `{"x":1}`, nil, 2},
		{"../../../testdata/wasm/unreachable.wasm", `{}`, nil, 3},
		{"../../../testdata/wasm/net.wasm", `{"addr":"127.0.0.1:1"}`, nil, 2},
		{"../../../testdata/wasm/garbage.wasm", `{}`, nil, 4},
		{"../../../testdata/wasm/noop.wasm", `not json`, nil, 4},
		{"../../../testdata/wasm/noop.wasm", `{}`, []string{"ftp://x/"}, 4},
	} {
		if got := run(tc.module, tc.config, "t", 5*time.Second, "-", true, tc.allow); got != tc.want {
			t.Errorf("%s %s %v: exit %d, want %d", tc.module, tc.config, tc.allow, got, tc.want)
		}
	}
}
