package echomw

import (
	"encoding/json"
	"net/http"

	"github.com/vitals-go/vitals/core"
)

// rrReport is one entry of RoadRunner's /health and /ready answers
// (roadrunner-server/status api.go, Report).
type rrReport struct {
	PluginName   string `json:"plugin_name"`
	ErrorMessage string `json:"error_message"`
	StatusCode   int    `json:"status_code"`
}

// rrQuery is RoadRunner's query parameter selecting plugins.
const rrQuery = "plugin"

// serveRoadRunner answers group endpoint ep as RoadRunner's status plugin
// does (health.go, ready.go; recorded in testdata/compat/roadrunner):
//
//   - shutting down (lame duck, the handler's switch, or a stopped
//     engine): "service is shutting down" in text, 200 on the liveness
//     endpoint and the unavailable status on the others;
//   - otherwise a JSON list, one entry per member of the group (sorted by
//     name; upstream's order is a Go map's), or per ?plugin= name in the
//     order given (unknown names, or names outside the group, are left
//     out, so that only unknown names answer "[]" 200);
//   - a passing member is {"plugin_name":..., "error_message":"",
//     "status_code":200}; a failing one says "internal server error, see
//     logs" with the unavailable status, which is then the answer's too.
//
// Every method answers alike, as upstream's. Messages and details are
// never in the body (upstream's text is fixed), whatever the policy.
func (h *Handler) serveRoadRunner(w http.ResponseWriter, r *http.Request, ep *endpoint) {
	e := h.entry()
	s := e.snap
	if e.lame || s.Phase == core.PhaseLameDuck || s.Phase == core.PhaseStopped {
		code := h.set.unavailable
		if ep.kind == kindHealth {
			code = http.StatusOK // upstream keeps liveness up while draining
		}
		http.Error(w, "service is shutting down", code)
		return
	}
	code := http.StatusOK
	reports := []rrReport{}
	add := func(cs *core.ComponentStatus) {
		if ep.kind.passes(cs) {
			reports = append(reports, rrReport{PluginName: cs.Component.Name, StatusCode: http.StatusOK})
			return
		}
		code = h.set.unavailable
		reports = append(reports, rrReport{PluginName: cs.Component.Name, ErrorMessage: "internal server error, see logs", StatusCode: h.set.unavailable})
	}
	names := r.URL.Query()[rrQuery]
	if len(names) == 0 {
		for _, cs := range s.Components {
			if cs.Component.InGroup(ep.group) {
				add(cs)
			}
		}
	}
	for _, name := range names {
		if cs, ok := s.Get(name); ok && cs.Component.InGroup(ep.group) {
			add(&cs)
		}
	}
	body, err := json.Marshal(reports)
	if err != nil { // strings and ints only: cannot happen
		h.set.log.Error("echomw: roadrunner profile: encoding the answer", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.writeRoadRunner(w, r, code, body)
}

// writeRoadRunner writes a JSON answer as upstream does: it sets no
// Content-Type, and net/http sniffs this one.
func (h *Handler) writeRoadRunner(w http.ResponseWriter, r *http.Request, code int, body []byte) {
	w.Header()["Content-Type"] = h.hTextUTF8
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// serveRoadRunnerJobs answers JobsPath as RoadRunner's jobs.go does: the
// pipelines of every jobs check as one compact JSON list, 200; "jobs
// plugin not found" with the unavailable status when no jobs check has
// published pipelines; "service is shutting down" with it while shutting
// down. Each entry is a core.JobsReport, whose JSON keys are upstream's
// (roadrunner-server/status api.go, JobsReport) in upstream's order,
// error_message always present; it is "" unless details are shown (the
// details policy; upstream always shows it).
func (h *Handler) serveRoadRunnerJobs(w http.ResponseWriter, r *http.Request) {
	e := h.entry()
	s := e.snap
	if e.lame || s.Phase == core.PhaseLameDuck || s.Phase == core.PhaseStopped {
		http.Error(w, "service is shutting down", h.set.unavailable)
		return
	}
	details := h.ShowDetails(r)
	reports := []core.JobsReport{}
	found := false
	for _, cs := range s.Components {
		if cs.Component.Provider != core.ProviderJobs {
			continue
		}
		if v, ok := cs.Result.Details[core.JobsDetailsKey]; !ok || v == nil {
			continue
		}
		items, err := jobsItems(cs.Result)
		if err != nil {
			h.set.log.Warn("vitals: jobs check details are not a list of reports", "component", cs.Component.Name, "err", err)
			continue
		}
		found = true
		for _, it := range items {
			var rep core.JobsReport
			if err := json.Unmarshal(it, &rep); err != nil {
				h.set.log.Warn("vitals: jobs report", "component", cs.Component.Name, "err", err)
				continue
			}
			if !details {
				rep.ErrorMessage = ""
			}
			reports = append(reports, rep)
		}
	}
	if !found {
		http.Error(w, "jobs plugin not found", h.set.unavailable)
		return
	}
	body, err := json.Marshal(reports)
	if err != nil { // strings, numbers, booleans: cannot happen
		h.set.log.Error("echomw: roadrunner profile: encoding /jobs", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.writeRoadRunner(w, r, http.StatusOK, body)
}
