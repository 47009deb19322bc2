package wasmprobe

import (
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"
)

// parseOutput reads a probe's output: empty, or a JSON object with an
// optional string "message" and an optional object "details".
// A message equal to last is returned as last, without allocating.
func parseOutput(b []byte, last string) (string, map[string]any, error) {
	if len(b) == 0 {
		return "", nil, nil
	}
	if msg, ok := fastMessage(b, last); ok {
		return msg, nil, nil
	}
	bad := func(err error) error {
		return abiErrorf(`output is not a JSON object {"message","details"}: %v: %s`, err, quoteSnippet(b, 80))
	}
	trimmed := strings.TrimLeft(string(b[:min(len(b), 64)]), " \t\r\n")
	if !strings.HasPrefix(trimmed, "{") {
		return "", nil, bad(errors.New("does not start with {"))
	}
	var out struct {
		Message string         `json:"message"`
		Details map[string]any `json:"details"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return "", nil, bad(err)
	}
	return out.Message, out.Details, nil
}

// fastMessage decodes the common output {"message":"text"} with a text
// without escapes, without reflection.
func fastMessage(b []byte, last string) (string, bool) {
	const pre, post = `{"message":"`, `"}`
	if len(b) < len(pre)+len(post) || string(b[:len(pre)]) != pre || string(b[len(b)-len(post):]) != post {
		return "", false
	}
	text := b[len(pre) : len(b)-len(post)]
	for _, c := range text {
		if c < 0x20 || c == '"' || c == '\\' {
			return "", false
		}
	}
	if string(text) == last {
		return last, true
	}
	if !utf8.Valid(text) {
		return "", false
	}
	return string(text), true
}
