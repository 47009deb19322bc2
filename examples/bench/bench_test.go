package main

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// Every library's endpoint answers 200 with a JSON body naming the
// checks it has (hellofresh lists failures only), so that the numbers
// compare working endpoints.
func TestEndpointsAnswer(t *testing.T) {
	static, err := vitalsBody(3)
	if err != nil {
		t.Fatal(err)
	}
	for _, lib := range httpLibs {
		ep, err := newEndpoint(lib, 3, static)
		if err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		ep.handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, ep.path, nil))
		ep.close()
		if w.Code != http.StatusOK || !json.Valid(w.Body.Bytes()) {
			t.Errorf("%s: %d %q", lib, w.Code, w.Body)
		}
		if lib != "hellofresh" && lib != "static" && !strings.Contains(w.Body.String(), "check002") {
			t.Errorf("%s: body does not name check002: %s", lib, w.Body)
		}
		if lib == "static" && w.Body.Len() != len(static) {
			t.Errorf("static body is %d bytes, Vitals' %d", w.Body.Len(), len(static))
		}
	}
}

// Every Wasm variant's warm call succeeds.
func TestWarmCalls(t *testing.T) {
	bin := mustRead(t, vitalsNoop)
	for _, lib := range wasmLibs {
		c, err := newWarmCall(lib, bin)
		if err != nil {
			t.Fatalf("%s: %v", lib, err)
		}
		for range 3 {
			if err := c.call(); err != nil {
				t.Errorf("%s: %v", lib, err)
			}
		}
		c.close()
	}
}

// The scheduling measurement sees every library check every component
// with none failed, against a loopback listener.
func TestSchedChild(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	for _, lib := range schedLibs {
		m, err := schedChild([]string{lib, "20", "100ms", "1", "2", ln.Addr().String()}, true)
		if err != nil {
			t.Fatalf("%s: %v", lib, err)
		}
		if m["failed checks"] != 0 || m["ran %"] < 50 || m["cpu µs/check"] <= 0 {
			t.Errorf("%s: %v", lib, m)
		}
	}
}

func TestParseCells(t *testing.T) {
	cells, err := parseCells("1000x1s, 10000x10s")
	if err != nil || len(cells) != 2 || cells[1].n != 10000 || cells[1].interval != 10*time.Second {
		t.Errorf("parseCells = %v, %v", cells, err)
	}
	for _, bad := range []string{"1000", "x1s", "0x1s", "10x-1s"} {
		if _, err := parseCells(bad); err == nil {
			t.Errorf("parseCells(%q) = nil error", bad)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// -table rebuilds a run's table from its raw output; the cases a later
// file has replace an earlier's.
func TestPrintTable(t *testing.T) {
	var raw1, raw2 strings.Builder
	r1 := newResults(&raw1)
	r1.add("http", "1 checks", "vitals", "ns/req", 100)
	r1.add("http", "1 checks", "alexliesenfeld", "ns/req", 400)
	r1.note("sched", "10 x 1s", "hellofresh", "ran %", "n/a")
	r2 := newResults(&raw2)
	r2.add("http", "1 checks", "alexliesenfeld", "ns/req", 200)
	dir := t.TempDir()
	f1, f2 := dir+"/1.txt", dir+"/2.txt"
	if err := errors.Join(os.WriteFile(f1, []byte(raw1.String()), 0o644), os.WriteFile(f2, []byte(raw2.String()), 0o644)); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := printTable([]string{f1, f2}, &out); err != nil {
		t.Fatal(err)
	}
	r1.vals[key{"http", "1 checks", "alexliesenfeld", "ns/req"}] = []float64{200}
	delete(r1.vals, key{"http", "1 checks", "vitals", "ns/req"})
	want := r1.table()
	if out.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", out.String(), want)
	}
}
