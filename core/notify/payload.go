package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vitals-go/vitals/core"
)

// Payload is the JSON body of a FormatJSON webhook: one state change.
type Payload struct {
	// Service is Config.ServiceID, omitted when empty.
	Service string `json:"service,omitempty"`
	// Component whose published state changed.
	Component string `json:"component"`
	// From is the published state before the change.
	From core.State `json:"from"`
	// To is the published state after the change.
	To core.State `json:"to"`
	// Time is when the check that caused the change started, in UTC.
	Time time.Time `json:"time"`
	// Message is the check's short explanation ("HTTP 503"), maybe empty.
	Message string `json:"message"`
}

// NewPayload returns the payload of ev for the service serviceID.
func NewPayload(serviceID string, ev core.Event) Payload {
	t := ev.Check.Time
	if t.IsZero() {
		t = time.Now()
	}
	return Payload{
		Service:   serviceID,
		Component: ev.Component,
		From:      ev.From,
		To:        ev.To,
		Time:      t.UTC(),
		Message:   ev.Check.Message,
	}
}

// Text is the one-line human form of the payload that FormatSlack sends:
// "[service] component db is down (was up): connection refused".
func (p Payload) Text() string {
	var b strings.Builder
	if p.Service != "" {
		fmt.Fprintf(&b, "[%s] ", p.Service)
	}
	fmt.Fprintf(&b, "component %s is %s (was %s)", p.Component, p.To, p.From)
	if p.Message != "" {
		fmt.Fprintf(&b, ": %s", p.Message)
	}
	return b.String()
}

// slackEscape escapes the three characters Slack's text format reserves.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// encode returns the request body of p in format.
func (p Payload) encode(format string) ([]byte, error) {
	if format == FormatSlack {
		return json.Marshal(struct {
			Text string `json:"text"`
		}{slackEscape.Replace(p.Text())})
	}
	return json.Marshal(p)
}
