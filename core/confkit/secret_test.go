package confkit_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core/confkit"
)

func TestSecretsResolve(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "key")
	if err := os.WriteFile(file, []byte("from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), confkit.MaxSecretFileBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TOKEN": "tok-123"}
	s := &confkit.Secrets{LookupEnv: func(n string) (string, bool) { v, ok := env[n]; return v, ok }}
	m := map[string]any{
		"token":  "${env:TOKEN}",
		"header": "Bearer ${env:TOKEN}",
		"nested": map[string]any{"key": "${file:" + file + "}", "n": 3},
		"list":   []any{"plain", "${env:MISSING}"},
		"gone":   "${file:" + filepath.Join(dir, "none") + "}",
		"big":    "${file:" + big + "}",
		"other":  "${HOME} stays",
	}
	err := s.Resolve(m)
	if m["token"] != "tok-123" || m["header"] != "Bearer tok-123" || m["nested"].(map[string]any)["key"] != "from-a-file" || m["other"] != "${HOME} stays" {
		t.Errorf("resolved %v", m)
	}
	want := map[string]confkit.Kind{"big": confkit.ErrRange, "gone": confkit.ErrRequired, "list[1]": confkit.ErrRequired}
	fields := confkit.Fields(err)
	if len(fields) != len(want) {
		t.Fatalf("errors %v, want one for each of %v", err, want)
	}
	for _, fe := range fields {
		if k, ok := want[fe.Path]; !ok || !errors.Is(fe, k) {
			t.Errorf("%v: unexpected path or kind", fe)
		}
	}
	if !strings.Contains(err.Error(), "list[1]: ${env:MISSING}: the environment variable MISSING is not set") {
		t.Errorf("error %v does not name the variable", err)
	}
	if s.Len() != 2 {
		t.Errorf("Len = %d, want 2", s.Len())
	}
	if got := s.Redact("a tok-123 and from-a-file"); got != "a [redacted] and [redacted]" {
		t.Errorf("Redact = %q", got)
	}
	var none *confkit.Secrets
	if none.Redact("tok-123") != "tok-123" || none.Len() != 0 || none.RedactError(io.EOF) != io.EOF {
		t.Error("nil Secrets redacts")
	}
}

func TestSecretsRedactErrorAndHandler(t *testing.T) {
	t.Parallel()
	s := &confkit.Secrets{LookupEnv: func(string) (string, bool) { return "hunter2", true }}
	m := map[string]any{"k": "${env:X}"}
	if err := s.Resolve(m); err != nil {
		t.Fatal(err)
	}
	err := errors.Join(confkit.Errorf("a.b", "%q is not a duration", "hunter2"), io.ErrUnexpectedEOF)
	red := s.RedactError(err)
	if got := red.Error(); strings.Contains(got, "hunter2") || !strings.Contains(got, `a.b: "[redacted]" is not a duration`) {
		t.Errorf("RedactError = %q", got)
	}
	if fs := confkit.Fields(red); len(fs) != 1 || fs[0].Path != "a.b" || !errors.Is(red, io.ErrUnexpectedEOF) {
		t.Errorf("structure lost: %v", fs)
	}
	wrapped := s.RedactError(fmt.Errorf("component: %w", errors.Join(confkit.Errorf("url", "%q is bad", "hunter2"))))
	if got := confkit.Prefix("checks[0]", wrapped).Error(); got != `checks[0].url: "[redacted]" is bad` {
		t.Errorf("Prefix of a redacted wrapper = %q", got)
	}
	var buf bytes.Buffer
	log := slog.New(s.Handler(slog.NewTextHandler(&buf, nil))).With("pre", "hunter2")
	log.WithGroup("g").Info("got hunter2", "s", "x hunter2", "err", errors.New("hunter2 failed"),
		slog.Group("in", "v", "hunter2"), "n", 3)
	if out := buf.String(); strings.Contains(out, "hunter2") || !strings.Contains(out, "n=3") {
		t.Errorf("log = %s", out)
	}
}
