package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
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

// parseTarget parses the arguments of a command that takes one address or
// URL (client.ParseTarget; an empty path means /health); what names it in
// the usage error ("URL", "address"). When it returns false the command
// ends with code (see parse).
func (c *cli) parseTarget(args []string, what string) (u *url.URL, code int, ok bool) {
	rest, code, ok := c.parse(args, 1)
	if !ok {
		return nil, code, false
	}
	u, err := client.ParseTarget(rest[0], "/health")
	if err != nil {
		return nil, c.usageError("bad %s: %v", what, err), false
	}
	return u, 0, true
}

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
