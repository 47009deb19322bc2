package statuspage_test

import (
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw/statuspage"
	"github.com/vitals-go/vitals/internal/testtool"
)

// browse runs the browser headless (testtool.Headless) and returns what
// it wrote on stdout.
func browse(t *testing.T, bin string, args ...string) string {
	t.Helper()
	stdout, stderr := testtool.Headless(t, bin, args...)
	// The page allows its own stylesheet by hash and nothing else: a
	// refusal here means the hash and the style no longer match.
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, "Content Security Policy") || strings.Contains(line, ":CONSOLE") {
			t.Errorf("browser console: %s", line)
		}
	}
	return stdout
}

// browserFixture is a serving engine with a realistic mix of states and
// histories, and its status page on a test server.
func browserFixture(t *testing.T) string {
	t.Helper()
	cache := comp("cache")
	cache.NonCritical = true
	e, p, st := newEngine(t,
		comp("api", core.GroupReadiness, core.GroupLiveness), cache, comp("db"),
		comp("payments"), comp("search", "readiness", "search"))
	startServing(t, e)
	play(t, e, p, st, "api", concat(repeat(30, core.StateUp, "HTTP 200"), repeat(1, core.StateDegraded, "HTTP 200 in 2.1s (slow)"), repeat(19, core.StateUp, "HTTP 200"))...)
	play(t, e, p, st, "cache", concat(repeat(20, core.StateUp, "PONG"), repeat(6, core.StateDegraded, "hit ratio 41% < 60%"), repeat(12, core.StateUp, "PONG"), repeat(4, core.StateDegraded, "hit ratio 38% < 60%"))...)
	play(t, e, p, st, "db", concat(repeat(25, core.StateUp, ""), repeat(3, core.StateDown, "timeout"), repeat(18, core.StateUp, ""), repeat(4, core.StateDown, "dial tcp 10.0.0.7:5432: connect: connection refused"))...)
	play(t, e, p, st, "payments", concat(repeat(50, core.StateUp, "HTTP 200"))...)
	play(t, e, p, st, "search", concat(repeat(5, core.StateUnknown, "no result yet"), repeat(2, core.StateDown, "boom"), repeat(3, core.StateUp, hostile))...)

	h := mustNew(t, e, statuspage.Config{Title: "Shop status", ShowDetails: func(*http.Request) bool { return true }})
	mux := http.NewServeMux()
	mux.Handle("/status", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/status"
}

func TestBrowserRendersPage(t *testing.T) {
	bin := testtool.Browser(t)
	url := browserFixture(t)

	dom := browse(t, bin, "--dump-dom", url)
	doc, err := html.Parse(strings.NewReader(dom))
	if err != nil {
		t.Fatal(err)
	}
	overall := find(t, doc, "#overall", byID("overall"))
	if got := text(overall); !strings.Contains(got, "Down") || !strings.Contains(got, "Overall state: down") || !strings.Contains(got, "Phase serving") {
		t.Errorf("overall, as the browser shows it: %q", got)
	}
	rs := rows(t, doc)
	for name, want := range map[string]string{
		"api":      "100% 50 of 50 up",
		"cache":    "100% 42 of 42 up",
		"db":       "86.0% 43 of 50 up",
		"payments": "100% 50 of 50 up",
		"search":   "30.0% 3 of 10 up",
	} {
		r, ok := rs[name]
		if !ok {
			t.Errorf("the browser shows no row for %s", name)
			continue
		}
		if r.uptime != want {
			t.Errorf("%s: uptime %q, want %q", name, r.uptime, want)
		}
	}
	if got := len(rs["db"].cells); got != 50 {
		t.Errorf("db: %d history cells, want 50", got)
	}
	if got := rs["search"].message; got != hostile {
		t.Errorf("search: message %q, want the text %q", got, hostile)
	}
	if n := findAll(doc, func(n *html.Node) bool { return n.Data == "script" || n.Data == "img" }); len(n) > 0 {
		t.Errorf("the hostile message became %d elements in the browser", len(n))
	}
	if !strings.Contains(text(doc), "up and degraded count as up") {
		t.Error("the page does not say how uptime counts")
	}

	shot := testtool.Artifact(t, "statuspage.png")
	browse(t, bin, "--screenshot="+shot, "--window-size=1200,800", url)
	checkScreenshot(t, shot)
	t.Logf("screenshot: %s", shot)
}

// checkScreenshot asserts the PNG is a 1200x800 picture of a styled page:
// not blank, with the red of the "down" banner.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || fi.Size() < 10_000 {
		t.Fatalf("screenshot %s is too small to show anything (%v)", path, err)
	}
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 800 {
		t.Errorf("screenshot is %dx%d, want 1200x800", b.Dx(), b.Dy())
	}
	colors := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colors[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}]++
		}
	}
	if len(colors) < 20 {
		t.Errorf("screenshot has %d colours: blank?", len(colors))
	}
	down := color.RGBA{0xcf, 0x22, 0x2e, 255} // --down, the banner of a down service
	if n := near(colors, down); n < 2000 {
		t.Errorf("screenshot has %d sampled pixels of the down banner's red, want a banner (is the style applied?)", n)
	}
}

func near(colors map[color.RGBA]int, want color.RGBA) int {
	d := func(a, b uint8) int {
		if a > b {
			return int(a - b)
		}
		return int(b - a)
	}
	n := 0
	for c, k := range colors {
		if d(c.R, want.R) <= 6 && d(c.G, want.G) <= 6 && d(c.B, want.B) <= 6 {
			n += k
		}
	}
	return n
}
