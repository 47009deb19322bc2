package policy

import (
	"strings"
	"testing"

	"github.com/vitals-go/vitals/wasmprobe/wire"
)

func TestFitResponse(t *testing.T) {
	out := &wire.HTTPResponse{Status: 200, Headers: map[string]string{}, Body: strings.Repeat("é<\x01", 500)}
	b, code := FitResponse(out, 300)
	if code != 0 || len(b) > 300 || !out.Truncated {
		t.Fatalf("code %d, %d bytes, truncated %v", code, len(b), out.Truncated)
	}
	if _, code := FitResponse(&wire.HTTPResponse{Status: 200, Body: "x"}, 10); code != CodeTooLarge {
		t.Fatalf("code %d, want %d", code, CodeTooLarge)
	}
}
