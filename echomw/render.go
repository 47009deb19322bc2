package echomw

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/vitals-go/vitals/core"
)

// Media types.
const (
	mediaHealthJSON = "application/health+json"
	mediaJSON       = "application/json"
	mediaText       = "text/plain; charset=utf-8"
)

// healthBody is an application/health+json body, as the IETF draft "Health
// Check Response Format for HTTP APIs" defines it.
type healthBody struct {
	Status      string                 `json:"status"`
	Version     string                 `json:"version,omitempty"`
	ReleaseID   string                 `json:"releaseId,omitempty"`
	ServiceID   string                 `json:"serviceId,omitempty"`
	Description string                 `json:"description,omitempty"`
	Output      string                 `json:"output,omitempty"`
	Checks      map[string][]checkBody `json:"checks,omitempty"`
}

// checkBody is one entry of "checks". state and nonCritical extend the
// draft (which allows extra keys): state keeps unknown apart from down.
type checkBody struct {
	ComponentID   string          `json:"componentId"`
	ComponentType string          `json:"componentType"`
	Status        string          `json:"status"`
	State         string          `json:"state"`
	NonCritical   bool            `json:"nonCritical,omitempty"`
	ObservedValue *float64        `json:"observedValue,omitempty"`
	ObservedUnit  string          `json:"observedUnit,omitempty"`
	Time          string          `json:"time,omitempty"`
	Output        string          `json:"output,omitempty"`
	Details       json.RawMessage `json:"details,omitempty"`
}

// componentType is the draft's componentType: the provider's name, or
// "component" for checks implemented by the application.
func componentType(c core.Component) string {
	if c.Provider == "" || strings.HasPrefix(c.Provider, "func:") {
		return "component"
	}
	return c.Provider
}

// renderJSON renders v as application/health+json.
func renderJSON(v *verdict, details bool, svc ServiceInfo, log *slog.Logger) []byte {
	body := healthBody{
		Status:      v.status,
		Version:     svc.Version,
		ReleaseID:   svc.ReleaseID,
		ServiceID:   svc.ID,
		Description: svc.Description,
	}
	if v.status != statusPass {
		// Public reasons only: names and states, never messages.
		body.Output = strings.Join(v.reasons(false), "; ")
	}
	counted := v.counted()
	if len(counted) > 0 {
		body.Checks = make(map[string][]checkBody, len(counted))
	}
	for _, m := range counted {
		body.Checks[m.cs.Component.Name] = []checkBody{checkEntry(m.cs, details, log)}
	}
	out, err := json.MarshalIndent(body, "", "  ")
	if err != nil { // cannot happen: every field is a plain value or valid raw JSON
		log.Error("vitals: render health body", "err", err)
		out = []byte(`{"status":"` + v.status + `"}`)
	}
	return append(out, '\n')
}

func checkEntry(cs core.ComponentStatus, details bool, log *slog.Logger) checkBody {
	c := checkBody{
		ComponentID:   cs.Component.Name,
		ComponentType: componentType(cs.Component),
		Status:        checkStatus(cs),
		State:         cs.Check.State.String(),
		NonCritical:   cs.Component.NonCritical,
	}
	if !cs.Checked {
		if pending(cs) {
			c.Output = "no result yet"
		}
		return c
	}
	ms := float64(cs.Check.Duration.Round(time.Microsecond)) / float64(time.Millisecond)
	c.ObservedValue, c.ObservedUnit = &ms, "ms"
	if !cs.Check.Time.IsZero() {
		c.Time = cs.Check.Time.UTC().Format(time.RFC3339)
	}
	if details {
		c.Output = cs.Check.Message
		if len(cs.Check.Details) > 0 {
			raw, err := json.Marshal(cs.Check.Details)
			if err != nil {
				log.Warn("vitals: check details are not JSON", "component", cs.Component.Name, "err", err)
				raw, _ = json.Marshal(map[string]string{"error": "details are not representable as JSON: " + err.Error()})
			}
			c.Details = raw
		}
	}
	return c
}

// renderText renders v for Accept: text/plain: "ok", then the degraded
// members of a warn; or the reasons of a fail, one per line.
func renderText(v *verdict, details bool) []byte {
	var b bytes.Buffer
	if v.ok {
		b.WriteString("ok\n")
	}
	for _, r := range v.reasons(details) {
		b.WriteString(r)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// renderVerbose renders v as Kubernetes' ?verbose answer: one line per
// member, "[+]name ok" or "[-]name failed: reason", excluded members as
// "[+]name excluded: ok", then "<endpoint> check passed|failed".
func renderVerbose(v *verdict, details bool) []byte {
	var b bytes.Buffer
	if v.phase != "" {
		b.WriteString("[-]phase failed: ")
		b.WriteString(v.phase)
		b.WriteByte('\n')
	}
	for _, m := range v.members {
		cs := m.cs
		name := cs.Component.Name
		switch {
		case m.excluded:
			b.WriteString("[+]" + name + " excluded: ok\n")
		case !pending(cs) && cs.Check.State == core.StateUp:
			b.WriteString("[+]" + name + " ok\n")
		case !pending(cs) && contribution(cs).Healthy():
			b.WriteString("[+]" + name + " ok: " + describe(cs, details) + "\n")
		case contribution(cs) == core.StateDown || !v.ok:
			b.WriteString("[-]" + name + " failed: " + describe(cs, details) + "\n")
		default:
			// Unknown, or no result yet, in a passing answer: Unknown
			// counts least, so it fails nothing on its own.
			b.WriteString("[+]" + name + " ok: " + describe(cs, details) + "\n")
		}
	}
	if len(v.unmatched) > 0 {
		b.WriteString("warn: some checks cannot be excluded: no matches for ")
		for i, n := range v.unmatched {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(n))
		}
		b.WriteByte('\n')
	}
	b.WriteString(v.kind.label())
	if v.ok {
		b.WriteString(" check passed\n")
	} else {
		b.WriteString(" check failed\n")
	}
	return b.Bytes()
}
