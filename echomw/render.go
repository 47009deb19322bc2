package echomw

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/internal/jsontext"
)

// Media types.
const (
	mediaHealthJSON = "application/health+json"
	mediaJSON       = "application/json"
	mediaText       = "text/plain; charset=utf-8"
)

// componentType is the draft's componentType: the provider's name, or
// "component" for checks implemented by the application.
func componentType(c core.Component) string {
	if c.Provider == "" || strings.HasPrefix(c.Provider, "func:") {
		return "component"
	}
	return c.Provider
}

// renderJSON renders v as application/health+json, the IETF draft "Health
// Check Response Format for HTTP APIs", indented by two spaces:
//
//	status, version, releaseId, serviceId, description, output (why it is
//	not a pass: public reasons only, never messages), checks: {name: [{
//	componentId, componentType, status, state, nonCritical, observedValue,
//	observedUnit, time, output, details }]}
//
// state and nonCritical extend the draft (which allows extra keys): state
// keeps unknown apart from down. The body is written by hand: it is on the
// path of the first request after every new snapshot.
func renderJSON(v *verdict, details bool, svc ServiceInfo, log *slog.Logger) []byte {
	b := make([]byte, 0, 256+320*len(v.members))
	b = append(b, "{\n  \"status\": "...)
	b = appendString(b, v.status)
	b = appendField(b, "  ", "version", svc.Version)
	b = appendField(b, "  ", "releaseId", svc.ReleaseID)
	b = appendField(b, "  ", "serviceId", svc.ID)
	b = appendField(b, "  ", "description", svc.Description)
	if v.status != statusPass {
		b = appendField(b, "  ", "output", strings.Join(v.reasons(false), "; "))
	}
	first := true
	for _, m := range v.members {
		if m.excluded {
			continue
		}
		if first {
			b = append(b, ",\n  \"checks\": {\n    "...)
			first = false
		} else {
			b = append(b, ",\n    "...)
		}
		b = appendString(b, m.cs.Component.Name)
		b = append(b, ": [\n      {\n"...)
		b = appendCheck(b, m.cs, details, log)
		b = append(b, "\n      }\n    ]"...)
	}
	if !first {
		b = append(b, "\n  }"...)
	}
	return append(b, "\n}\n"...)
}

// appendCheck appends the members of one entry of "checks".
func appendCheck(b []byte, cs *core.ComponentStatus, details bool, log *slog.Logger) []byte {
	const in = "        "
	b = append(b, in+`"componentId": `...)
	b = appendString(b, cs.Component.Name)
	b = appendField(b, in, "componentType", componentType(cs.Component))
	b = appendField(b, in, "status", checkStatus(cs))
	b = appendField(b, in, "state", cs.Result.State.String())
	if cs.Component.NonCritical {
		b = append(b, ",\n"+in+`"nonCritical": true`...)
	}
	if !cs.Checked {
		if pending(cs) {
			b = appendField(b, in, "output", "no result yet")
		}
		return b
	}
	b = append(b, ",\n"+in+`"observedValue": `...)
	ms := float64(cs.Result.Duration.Round(time.Microsecond)) / float64(time.Millisecond)
	b = strconv.AppendFloat(b, ms, 'f', -1, 64)
	b = appendField(b, in, "observedUnit", "ms")
	if !cs.Result.Time.IsZero() {
		b = append(b, ",\n"+in+`"time": "`...)
		b = cs.Result.Time.UTC().AppendFormat(b, time.RFC3339)
		b = append(b, '"')
	}
	if details {
		b = appendField(b, in, "output", cs.Result.Message)
		if len(cs.Result.Details) > 0 {
			b = append(b, ",\n"+in+`"details": `...)
			b = appendDetails(b, cs, in, log)
		}
	}
	return b
}

// One check's details in a JSON answer: indented for their first
// detailsIndentLevels levels of nesting and compact deeper, so that the
// indentation cannot multiply the size (json.Indent grows with depth
// times size); the compact form when the indented one is over
// maxRenderedDetails; and, when even that is over, an object saying they
// were cut. The engine bounds details when it accepts a result
// (core.WithDetailsLimits, at most core.MaxDetailsMaxBytes), so the last
// case is a guard.
const (
	detailsIndentLevels = 3
	maxRenderedDetails  = core.MaxDetailsMaxBytes
)

// appendDetails appends the details of cs, indented after prefix in.
func appendDetails(b []byte, cs *core.ComponentStatus, in string, log *slog.Logger) []byte {
	raw, err := json.Marshal(cs.Result.Details)
	if err != nil {
		log.Warn("vitals: check details are not JSON", "component", cs.Component.Name, "err", err)
		raw, _ = json.Marshal(map[string]string{"error": "details are not representable as JSON: " + err.Error()})
	}
	if len(raw) > maxRenderedDetails {
		log.Warn("vitals: check details cut", "component", cs.Component.Name, "bytes", len(raw), "max", maxRenderedDetails)
		marker, _ := json.Marshal(map[string]string{core.DetailsTruncatedKey: "details cut: " + strconv.Itoa(len(raw)) +
			" bytes as JSON, over the " + strconv.Itoa(maxRenderedDetails) + " shown per check"})
		return appendIndented(b, marker, in, detailsIndentLevels, maxRenderedDetails)
	}
	start := len(b)
	b = appendIndented(b, raw, in, detailsIndentLevels, maxRenderedDetails)
	if len(b)-start > maxRenderedDetails {
		b = append(b[:start], raw...)
	}
	return b
}

// appendIndented appends the compact JSON text raw as json.Indent(prefix,
// "  ") would for its first levels levels of nesting, compact deeper. It
// stops once it has appended more than limit bytes.
func appendIndented(b, raw []byte, prefix string, levels, limit int) []byte {
	start := len(b)
	newline := func(depth int) {
		b = append(b, '\n')
		b = append(b, prefix...)
		for range depth {
			b = append(b, ' ', ' ')
		}
	}
	depth := 0
	var str jsontext.Strings
	for i, c := range raw {
		if str.Step(c) {
			b = append(b, c)
			continue
		}
		switch c {
		case '{', '[':
			b = append(b, c)
			depth++
			if depth <= levels && i+1 < len(raw) && raw[i+1] != '}' && raw[i+1] != ']' {
				newline(depth)
			}
		case '}', ']':
			if depth <= levels && i > 0 && raw[i-1] != '{' && raw[i-1] != '[' {
				newline(depth - 1)
			}
			depth--
			b = append(b, c)
		case ',':
			b = append(b, c)
			if depth <= levels {
				newline(depth)
				if len(b)-start > limit {
					return b
				}
			}
		case ':':
			b = append(b, c)
			if depth <= levels {
				b = append(b, ' ')
			}
		case ' ', '\t', '\n', '\r':
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendField appends `,\n<indent>"key": "value"` unless value is empty.
func appendField(b []byte, indent, key, value string) []byte {
	if value == "" {
		return b
	}
	b = append(b, ",\n"...)
	b = append(b, indent...)
	b = append(b, '"')
	b = append(b, key...)
	b = append(b, `": `...)
	return appendString(b, value)
}

// appendString appends s as a JSON string, escaped as encoding/json does
// (HTML-safe, invalid UTF-8 as U+FFFD).
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
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
		case !pending(cs) && cs.Result.State == core.StateUp:
			b.WriteString("[+]" + name + " ok\n")
		case v.kind.passes(cs):
			// Degraded, non-critical Down, or (on /health) no result yet.
			b.WriteString("[+]" + name + " ok: " + describe(cs, details) + "\n")
		default:
			b.WriteString("[-]" + name + " failed: " + describe(cs, details) + "\n")
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
	b.WriteString(v.label)
	if v.ok {
		b.WriteString(" check passed\n")
	} else {
		b.WriteString(" check failed\n")
	}
	return b.Bytes()
}
