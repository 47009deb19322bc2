package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// sizeLibs are the programs under sizes/, base first.
var sizeLibs = []string{"base", "vitals", "alexliesenfeld", "hellofresh", "sundheit", "vitals-wasm", "extism", "wazero"}

// sizeFlags are the build flags of every program: release-like, stripped.
var sizeFlags = []string{"build", "-trimpath", "-ldflags=-s -w"}

// benchSize builds each program under sizes/ with the same flags and
// reports its size and what it adds to base (a net/http server).
func benchSize(_ opts, res *results) error {
	dir, err := os.MkdirTemp("", "bench-size-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var base int64
	for _, lib := range sizeLibs {
		bin := filepath.Join(dir, lib)
		cmd := exec.Command("go", append(sizeFlags, "-o", bin, "./sizes/"+lib)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build ./sizes/%s: %v: %s", lib, err, out)
		}
		fi, err := os.Stat(bin)
		if err != nil {
			return err
		}
		if lib == "base" {
			base = fi.Size()
		}
		res.add("size", "binary, -trimpath -ldflags='-s -w'", lib, "MB", float64(fi.Size())/1e6)
		res.add("size", "added to a net/http server", lib, "MB", float64(fi.Size()-base)/1e6)
	}
	return nil
}
