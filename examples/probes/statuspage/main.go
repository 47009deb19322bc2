// Command statuspage is a Vitals wasm probe that reads a Statuspage v2
// status summary (/api/v2/status.json, the format Atlassian Statuspage
// serves for Cloudflare, GitHub and many others) through the host's HTTP
// function, and maps its status.indicator to a state:
//
//	none                    up
//	minor, maintenance      degraded
//	major, critical         down
//
// Any other indicator is degraded (the page says something this probe does
// not know); a failed request, a non-200 answer or a body that is not such
// JSON is down.
//
// Component config:
//
//	provider: wasm
//	config:
//	  module: probes/statuspage.wasm
//	  allow: ["https://www.githubstatus.com/api/v2/"]
//	  url: https://www.githubstatus.com          # the page, or its status.json URL
//
// Build:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o statuspage.wasm ./examples/probes/statuspage
package main

import (
	"errors"
	"log/slog"
	"net/url"
	"strings"

	"github.com/vitals-go/vitals/guest-sdk/go/probe"
)

// StatusPath is where a Statuspage serves its status summary.
const StatusPath = "/api/v2/status.json"

type config struct {
	// URL is the status page (https://www.githubstatus.com) or the full URL
	// of its status.json.
	URL string `json:"url"`
}

// summary is the part of status.json the probe reads.
type summary struct {
	Page struct {
		Name      string `json:"name"`
		URL       string `json:"url"`
		UpdatedAt string `json:"updated_at"`
	} `json:"page"`
	Status *struct {
		Indicator   string `json:"indicator"`
		Description string `json:"description"`
	} `json:"status"`
}

func init() { probe.Register(check) }

func main() {}

func check(ctx probe.Context) probe.Result {
	var cfg config
	if err := ctx.Config(&cfg); err != nil {
		return probe.Downf("%v", err)
	}
	target, err := statusURL(cfg.URL)
	if err != nil {
		return probe.Downf("config: url: %v", err)
	}
	resp, err := ctx.HTTPDo(probe.Request{URL: target, Header: map[string]string{"Accept": "application/json"}})
	if err != nil {
		return probe.Downf("%v", err).With("url", target)
	}
	if resp.Status != 200 {
		return probe.Downf("status page answered HTTP %d", resp.Status).With("url", target).With("http_status", resp.Status)
	}
	var s summary
	if err := resp.JSON(&s); err != nil {
		return probe.Downf("status page: %v", err).With("url", target)
	}
	if s.Status == nil || s.Status.Indicator == "" {
		return probe.Downf("status page: no status.indicator in the response").With("url", target)
	}
	name := s.Page.Name
	if name == "" {
		name = target
	}
	msg := name + ": " + s.Status.Description
	if s.Status.Description == "" {
		msg = name + ": " + s.Status.Indicator
	}
	r := probe.Result{Message: msg, Details: map[string]any{
		"indicator":   s.Status.Indicator,
		"description": s.Status.Description,
		"page":        s.Page.Name,
		"updated_at":  s.Page.UpdatedAt,
		"url":         target,
	}}
	switch s.Status.Indicator {
	case "none":
		r.Status = probe.Up
	case "minor", "maintenance":
		r.Status = probe.Degraded
	case "major", "critical":
		r.Status = probe.Down
	default:
		r.Status = probe.Degraded
		r.Message = name + ": unknown indicator " + s.Status.Indicator + ": " + s.Status.Description
	}
	if r.Status != probe.Up {
		ctx.Log(slog.LevelWarn, "status page reports a problem", "page", name, "indicator", s.Status.Indicator, "description", s.Status.Description)
	}
	return r
}

// statusURL returns the status.json URL of a page URL: the URL itself when
// its path ends in .json, the page's StatusPath otherwise.
func statusURL(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("missing (the status page URL, e.g. https://www.githubstatus.com)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", errors.New(raw + " is not an http or https URL")
	}
	if !strings.HasSuffix(u.Path, ".json") {
		u.Path = strings.TrimSuffix(u.Path, "/") + StatusPath
	}
	return u.String(), nil
}
