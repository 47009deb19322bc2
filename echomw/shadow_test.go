package echomw_test

import (
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/echomw/statuspage"
)

// Regression tests of silent shadowing, written against the API main had
// before the route table (see /work/notes/h18-regressions.md).

// TestStatusPageUnderPerCheckPrefix: a page under /health/ was answered
// by the per-check path ("no liveness check named page"), never served.
func TestStatusPageUnderPerCheckPrefix(t *testing.T) {
	e, p := newEngine(t, comp("db"))
	start(t, e, p)
	h, err := echomw.New(e, echomw.Config{StatusPage: statuspage.New, StatusPath: "/health/page"})
	if err != nil {
		t.Fatal(err)
	}
	if r := do(t, h, "GET", "/health/page"); r.code != 200 || !strings.Contains(r.body, "<html") {
		t.Errorf("GET /health/page = %d %q, want the status page", r.code, firstLine(r.body))
	}
}

// TestStatusPageNamedLikeACheck: a page at /health/status with a liveness
// check named status hid one of the two without a word.
func TestStatusPageNamedLikeACheck(t *testing.T) {
	e, p := newEngine(t, comp("status", core.GroupLiveness))
	start(t, e, p)
	_, err := echomw.New(e, echomw.Config{StatusPage: statuspage.New, StatusPath: "/health/status"})
	if err == nil || !strings.Contains(err.Error(), `StatusPath: "/health/status" is already used by check "status"`) {
		t.Errorf("err = %v, want the collision naming StatusPath and the check", err)
	}
}

// TestJobsPathAtAnAlias: JobsPath /readyz silently dropped the /readyz
// alias of ReadyPath.
func TestJobsPathAtAnAlias(t *testing.T) {
	e, _ := newEngine(t)
	_, err := echomw.New(e, echomw.Config{JobsPath: "/readyz"})
	if err == nil || !strings.Contains(err.Error(), `JobsPath: "/readyz" is already used by Aliases (/readyz as ReadyPath)`) {
		t.Errorf("err = %v, want the collision naming JobsPath and the alias", err)
	}
}
