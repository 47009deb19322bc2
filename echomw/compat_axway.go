package echomw

import (
	"encoding/json"
	"net/http"

	"github.com/vitals-go/vitals/core"
)

// Axway agent-sdk's healthcheck shapes (pkg/util/healthcheck
// definitions.go; recorded in testdata/compat/axway).
type (
	axStatus struct {
		Result  string `json:"result"`
		Details string `json:"details,omitempty"`
	}
	axCheck struct {
		Name     string    `json:"name"`
		Endpoint string    `json:"endpoint"`
		Status   *axStatus `json:"status"`
	}
	axChecker struct {
		Name    string              `json:"name"`
		Version string              `json:"version,omitempty"`
		Status  string              `json:"status"`
		Checks  map[string]*axCheck `json:"statusChecks"`
	}
)

// Axway's status levels.
const (
	axOK   = "OK"
	axFail = "FAIL"
)

// axwayStatus is one component's status: OK when it has a result that is
// Up or Degraded, FAIL otherwise; its message as the details when details
// are shown.
func axwayStatus(cs *core.ComponentStatus, details bool) *axStatus {
	st := &axStatus{Result: axFail}
	if !pending(cs) && cs.Result.State.Healthy() {
		st.Result = axOK
	}
	if details {
		st.Details = oneLine(cs.Result.Message)
	}
	return st
}

// serveAxway answers AxwayStatusPath (the whole set, every component of
// the engine, as statusHandler does) or AxwayStatusPath/{name} (one
// component, as checkHandler does): application/json; charset=utf-8,
// 503 when FAIL. The whole set is FAIL when a component is, and before
// the engine starts (upstream's is FAIL until its first run). An unknown
// name answers net/http's 404, as upstream's ServeMux does. Every method
// answers alike, as upstream's.
func (h *Handler) serveAxway(w http.ResponseWriter, r *http.Request, one bool, name string) {
	s := h.entry().snap
	details := h.ShowDetails(r)
	var v any
	failed := false
	if one {
		cs, ok := s.Get(name)
		if !ok {
			http.NotFound(w, r)
			return
		}
		st := axwayStatus(&cs, details)
		failed = st.Result == axFail
		v = st
	} else {
		all := &axChecker{Name: h.set.service.ID, Version: h.set.service.Version, Status: axOK, Checks: make(map[string]*axCheck, len(s.Components))}
		if all.Name == "" {
			all.Name = h.set.service.Description
		}
		failed = s.Phase == core.PhaseIdle
		for _, cs := range s.Components {
			st := axwayStatus(cs, details)
			failed = failed || st.Result == axFail
			all.Checks[cs.Component.Name] = &axCheck{Name: cs.Component.Name, Endpoint: cs.Component.Name, Status: st}
		}
		if failed {
			all.Status = axFail
		}
		v = all
	}
	body, err := json.Marshal(v)
	if err != nil { // strings only: cannot happen
		h.set.log.Error("echomw: axway profile: encoding the answer", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header()["Content-Type"] = h.hJSONUTF8
	if failed {
		w.WriteHeader(http.StatusServiceUnavailable)
	} else {
		w.WriteHeader(http.StatusOK)
	}
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
