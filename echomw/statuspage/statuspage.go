// Package statuspage serves a human-readable HTML status page for a
// core.Engine: the overall state, the lifecycle phase, and a table of
// components with their state, groups, last check, duration, message
// (subject to a details policy) and a history bar of their latest results
// with the uptime over that window.
//
// The page is rendered on the server with html/template, uses inline CSS
// only and no JavaScript, and can refresh itself with a <meta> refresh. A
// request only reads the engine's published snapshot and its check store's
// history: it never runs a check.
package statuspage

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
)

// Defaults applied to zero Config fields.
const (
	DefaultTitle   = "Vitals status"
	DefaultHistory = 50
)

// Config configures the page. The zero value is usable: every zero field
// means its default.
type Config struct {
	// Title is the page title; "" means DefaultTitle.
	Title string
	// History is the number of results per component shown in the history
	// bar and counted in the uptime; 0 means DefaultHistory. The check
	// store may keep fewer (core.DefaultHistory by default).
	History int
	// Refresh is the interval of the page's <meta http-equiv=refresh>,
	// rounded up to whole seconds; 0 means no automatic refresh.
	Refresh time.Duration
	// ShowDetails reports whether a request may see the check messages,
	// which can name hosts and internals; nil means never.
	ShowDetails func(*http.Request) bool
}

// DefaultConfig returns the configuration with every default spelled out:
// DefaultTitle, DefaultHistory results, no refresh, messages hidden.
func DefaultConfig() Config {
	return Config{Title: DefaultTitle, History: DefaultHistory}
}

//go:embed page.html.tmpl
var pageSource string

//go:embed style.css
var styleSource string

var (
	pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{"symbol": symbol}).Parse(pageSource))
	// styleHash allows exactly the embedded stylesheet under the page's
	// Content-Security-Policy, which allows nothing else (no scripts).
	styleHash = func() string {
		sum := sha256.Sum256([]byte(styleSource))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}()
	contentSecurityPolicy = "default-src 'none'; style-src " + styleHash +
		"; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

type handler struct {
	e   *core.Engine
	cfg Config
	now func() time.Time
}

// New returns the handler of the status page of e. It answers GET and HEAD
// (405 otherwise) with Cache-Control: no-store. The error names the field
// of a bad configuration (a *confkit.FieldError per problem).
func New(e *core.Engine, cfg Config) (http.Handler, error) {
	if e == nil {
		return nil, errors.New("statuspage: engine is nil")
	}
	var errs []error
	if cfg.History < 0 {
		errs = append(errs, &confkit.FieldError{Path: "History", Err: confkit.Problem(confkit.ErrRange, "%d must not be negative", cfg.History)})
	}
	if cfg.Refresh < 0 {
		errs = append(errs, &confkit.FieldError{Path: "Refresh", Err: confkit.Problem(confkit.ErrRange, "%s must not be negative", cfg.Refresh)})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("statuspage: %w", err)
	}
	if cfg.Title == "" {
		cfg.Title = DefaultTitle
	}
	if cfg.History == 0 {
		cfg.History = DefaultHistory
	}
	return &handler{e: e, cfg: cfg, now: time.Now}, nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-store")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, h.page(r)); err != nil {
		h.e.Logger().Error("vitals status page: render failed", "error", err)
		http.Error(w, "status page: render failed", http.StatusInternalServerError)
		return
	}
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Length", strconv.Itoa(buf.Len()))
	hdr.Set("Content-Security-Policy", contentSecurityPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// Everything below builds the view the template renders.

type pageView struct {
	Title          string
	CSS            template.CSS
	RefreshSeconds int
	Now            timeView
	Snapshot       timeView
	State          string
	Headline       string
	Phase          string
	PhaseNote      string
	Ready          bool
	Live           bool
	Groups         []groupView
	Problems       []problemView
	Components     []componentView
	ShowDetails    bool
	History        int
	Counts         []stateCount
}

type timeView struct {
	Zero  bool
	ISO   string // RFC 3339, for <time datetime>
	Text  string // 2006-01-02 15:04:05 UTC
	Clock string // 15:04:05
	Age   string // "3s ago"
}

type groupView struct {
	Name  string
	State string
}

type problemView struct {
	Name  string
	State string
}

type stateCount struct {
	State string
	N     int
}

type componentView struct {
	Name        string
	Provider    string
	State       string
	Observed    string // observed state of the last check when it differs
	Checked     bool
	Groups      []string
	Critical    bool
	Last        timeView
	Duration    string
	Message     string
	Interval    string
	Cells       []cellView
	Pad         []struct{} // empty cells before the oldest result, to keep bars aligned
	HistoryErr  bool
	Uptime      string // "98.0%", "" without results
	UpCount     int
	HistoryN    int
	HistoryText string // summary for the bar's label
}

type cellView struct {
	State string
	Title string
}

func (h *handler) page(r *http.Request) pageView {
	now := h.now()
	snap := h.e.Snapshot()
	show := h.cfg.ShowDetails != nil && h.cfg.ShowDetails(r)
	v := pageView{
		Title:       h.cfg.Title,
		CSS:         template.CSS(styleSource),
		Now:         newTimeView(now, now),
		ShowDetails: show,
		History:     h.cfg.History,
	}
	if h.cfg.Refresh > 0 {
		v.RefreshSeconds = int(math.Ceil(h.cfg.Refresh.Seconds()))
	}
	if snap == nil {
		v.State, v.Headline, v.Phase = core.StateUnknown.String(), "Unknown", "unknown"
		return v
	}
	v.Snapshot = newTimeView(snap.Time, now)
	v.State = snap.State.String()
	v.Headline = headline(snap)
	v.Phase, v.PhaseNote = phaseText(snap.Phase)
	v.Ready, v.Live = snap.Ready(), snap.Live()
	for _, name := range []string{core.GroupReadiness, core.GroupLiveness} {
		v.Groups = append(v.Groups, groupView{Name: name, State: snap.Groups[name].State.String()})
	}
	counts := map[core.State]int{}
	for _, cs := range snap.Components {
		c := h.component(r.Context(), *cs, now, show)
		v.Components = append(v.Components, c)
		counts[cs.Result.State]++
		if st := cs.Result.State; st == core.StateDown || st == core.StateDegraded {
			v.Problems = append(v.Problems, problemView{Name: c.Name, State: c.State})
		}
	}
	for _, st := range []core.State{core.StateDown, core.StateDegraded, core.StateUnknown, core.StateUp} {
		if counts[st] > 0 {
			v.Counts = append(v.Counts, stateCount{State: st.String(), N: counts[st]})
		}
	}
	return v
}

func (h *handler) component(ctx context.Context, cs core.ComponentStatus, now time.Time, show bool) componentView {
	c := componentView{
		Name:     cs.Component.Name,
		Provider: cs.Component.Provider,
		State:    cs.Result.State.String(),
		Checked:  cs.Checked,
		Groups:   cs.Component.Groups,
		Critical: cs.Component.Critical(),
		Interval: formatInterval(cs.Component.Interval),
	}
	if strings.HasPrefix(c.Provider, "func:") {
		c.Provider = "func"
	}
	if cs.Checked {
		c.Last = newTimeView(cs.Result.Time, now)
		c.Duration = formatDuration(cs.Result.Duration)
		if cs.Result.Observed != cs.Result.State {
			c.Observed = cs.Result.Observed.String()
		}
		if show {
			c.Message = cs.Result.Message
		}
	}
	hist, err := h.e.History(ctx, cs.Component.Name, h.cfg.History)
	if err != nil {
		h.e.Logger().Warn("vitals status page: history failed", "component", cs.Component.Name, "error", err)
		c.HistoryErr = true
		return c
	}
	if len(hist) > h.cfg.History { // a store that ignores n
		hist = hist[len(hist)-h.cfg.History:]
	}
	for _, r := range hist {
		if r.State.Healthy() {
			c.UpCount++
		}
		title := r.Time.UTC().Format("2006-01-02 15:04:05 UTC") + " · " + r.State.String()
		if r.Observed != r.State {
			title += " (observed " + r.Observed.String() + ")"
		}
		title += " · " + formatDuration(r.Duration)
		if show && r.Message != "" {
			title += " · " + r.Message
		}
		c.Cells = append(c.Cells, cellView{State: r.State.String(), Title: title})
	}
	c.HistoryN = len(hist)
	if c.HistoryN > 0 && c.HistoryN < h.cfg.History {
		c.Pad = make([]struct{}, h.cfg.History-c.HistoryN)
	}
	if c.HistoryN > 0 {
		c.Uptime = formatPercent(c.UpCount, c.HistoryN)
		c.HistoryText = fmt.Sprintf("last %d results, oldest first: %d of %d up or degraded (%s)",
			c.HistoryN, c.UpCount, c.HistoryN, c.Uptime)
	}
	return c
}

func headline(s *core.Snapshot) string {
	if len(s.Components) == 0 {
		return "No components"
	}
	switch s.State {
	case core.StateUp:
		return "All systems up"
	case core.StateDegraded:
		return "Degraded"
	case core.StateDown:
		return "Down"
	}
	return "Unknown"
}

// symbol is the sign shown next to a state, so that no state is told by
// its colour alone.
func symbol(state string) string {
	switch state {
	case "up":
		return "✓"
	case "degraded":
		return "!"
	case "down":
		return "✕"
	}
	return "?"
}

func phaseText(p core.Phase) (name, note string) {
	switch p {
	case core.PhaseIdle:
		return "idle", "the engine has not been started"
	case core.PhaseStarting:
		return "starting", "checks run; not serving traffic yet"
	case core.PhaseServing:
		return "serving", ""
	case core.PhaseLameDuck:
		return "lame duck", "leaving: readiness fails so traffic drains away"
	case core.PhaseStopped:
		return "stopped", "the engine has stopped checking"
	}
	return p.String(), ""
}

func newTimeView(t, now time.Time) timeView {
	if t.IsZero() {
		return timeView{Zero: true}
	}
	u := t.UTC()
	return timeView{
		ISO:   u.Format(time.RFC3339),
		Text:  u.Format("2006-01-02 15:04:05 UTC"),
		Clock: u.Format("15:04:05"),
		Age:   formatAge(now.Sub(t)),
	}
}

// formatAge says how long ago something was, coarsely.
func formatAge(d time.Duration) string {
	switch {
	case d < time.Second: // clocks disagree a little: also "just now"
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm %ds ago", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh %dm ago", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
}

// formatDuration prints a check duration with a precision a person can read.
func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// formatInterval prints a configured interval without zero units: 10s,
// 1m30s, 1h.
func formatInterval(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// formatPercent prints up/n with one decimal, rounded down so that 100.0%
// means every result was up.
func formatPercent(up, n int) string {
	if up == n {
		return "100%"
	}
	p := math.Floor(float64(up)*1000/float64(n)) / 10
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}
