package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/vitals-go/vitals/core/client"
)

const runningUsage = `Usage: vitals running [flags] ADDRESS|URL

Tell whether a Vitals instance already serves on an address, before
starting another copy there. GETs its liveness endpoint (/health, or the
URL's path) and prints one line:
  running: ...  exit 0  a Vitals health response came back, whatever its
                        status: an instance that is starting, failing or
                        in its lame duck answers 503 but holds the address
  free: ...     exit 1  nothing listens there: the connection was refused
  in use: ...   exit 2  something else holds the address: it answered
                        without a health response, or accepted the
                        connection and spoke no HTTP within the timeout
Any other error (bad address, unknown host, connect timeout) also exits 2,
with no line on stdout.

ADDRESS is host:port, :port or a port (the local host), as server.address.
A health response has Content-Type application/health+json, or is a JSON
object whose "status" is "pass", "warn" or "fail".

Examples:
  vitals running :8080 && { echo "already running" >&2; exit 1; }
  vitals running http://10.0.0.5:9000/admin/health
`

func runRunning(args []string, stdout, stderr io.Writer) int {
	c := newCLI("running", runningUsage, stdout, stderr)
	timeout := c.flags.Duration("timeout", 2*time.Second, "wait this long for an answer")
	u, code, ok := c.parseTarget(args, "address")
	if !ok {
		return code
	}
	occ, resp, err := (&client.Client{Timeout: *timeout, MaxBody: maxBody}).Running(context.Background(), u.String())
	switch {
	case occ == client.Free:
		fmt.Fprintf(stdout, "free: nothing listens on %s\n", u.Host)
		return exitFail
	case err != nil && occ == client.Other:
		fmt.Fprintf(stdout, "in use: %s accepted the connection but gave no HTTP answer\n", u.Host)
		return c.fail(exitError, "%v", err)
	case err != nil:
		return c.fail(exitError, "%v", err)
	}
	if status, ok := resp.HealthStatus(); ok {
		fmt.Fprintf(stdout, "running: %s answered %s, status %q\n", u, resp.Status, status)
		return exitOK
	}
	fmt.Fprintf(stdout, "in use: %s answered %s (%s), not a Vitals health response\n", u, resp.Status, orNone(resp.ContentType))
	return exitError
}

func orNone(s string) string {
	if s == "" {
		return "no Content-Type"
	}
	return s
}
