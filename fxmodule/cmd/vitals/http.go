package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/vitals-go/vitals/core/client"
)

// Limits of what is read from and printed of a response.
const (
	maxBody      = client.DefaultMaxBody
	maxLines     = 20
	maxLineBytes = 200
)

// bearer returns the bearer token given as T or @FILE.
func bearer(token string) (string, error) {
	if file, ok := strings.CutPrefix(token, "@"); ok {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("--token: %w", err)
		}
		token = strings.TrimSpace(string(b))
	}
	return token, nil
}

// firstLines returns the start of a body for a person: JSON indented, at
// most maxLines lines of at most maxLineBytes bytes each.
func firstLines(body []byte) []string {
	var buf bytes.Buffer
	if json.Indent(&buf, body, "", "  ") == nil {
		body = buf.Bytes()
	}
	text := strings.ToValidUTF8(strings.TrimSpace(string(body)), "\uFFFD")
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	if len(lines) > maxLines {
		lines = append(lines[:maxLines:maxLines], fmt.Sprintf("… (%d more lines)", len(lines)-maxLines))
	}
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		if len(l) > maxLineBytes {
			l = strings.ToValidUTF8(l[:maxLineBytes], "") + "…"
		}
		lines[i] = l
	}
	return lines
}
