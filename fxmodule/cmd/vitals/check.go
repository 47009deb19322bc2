package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/vitals-go/vitals/core/client"
)

const checkUsage = `Usage: vitals check [flags] URL

GET a Vitals endpoint once (/health, /ready, /ready/NAME, ...), without
following redirects, and exit with:
  0  a 2xx status: healthy
  1  any other status: unhealthy (the status and the body's first lines
     are printed, e.g. the health+json status and checks)
  2  no answer: bad URL, connection refused, timeout, ...
URL may leave out "http://" and the host (":8080/ready" is localhost);
an empty path means /health. Made for Docker HEALTHCHECK in images
without curl; Docker counts every non-zero exit as a failed check.

Examples:
  HEALTHCHECK --interval=10s --timeout=3s CMD ["/vitals", "check", "http://127.0.0.1:8080/health"]
  vitals check -v --token @/run/secrets/vitals-token :8080/ready
`

func runCheck(args []string, stdout, stderr io.Writer) int {
	c := newCLI("check", checkUsage, stdout, stderr)
	timeout := c.flags.Duration("timeout", 2*time.Second, "give up after this long (exit 2)")
	token := c.flags.String("token", "", "bearer token (health.token) that lets the answer include details; @FILE reads it from FILE")
	verbose := c.flags.BoolP("verbose", "v", false, "also print the body when healthy")
	u, code, ok := c.parseTarget(args, "URL")
	if !ok {
		return code
	}
	tok, err := bearer(*token)
	if err != nil {
		return c.fail(exitError, "%v", err)
	}
	resp, err := (&client.Client{Timeout: *timeout, Token: tok, MaxBody: maxBody}).Check(context.Background(), u.String())
	if err != nil {
		return c.fail(exitError, "%v", err)
	}
	healthy := resp.Healthy()
	fmt.Fprintf(stdout, "%s: %s\n", u, resp.Status)
	if !healthy || *verbose {
		for _, l := range firstLines(resp.Body) {
			fmt.Fprintln(stdout, l)
		}
	}
	if !healthy {
		return exitFail
	}
	return exitOK
}
