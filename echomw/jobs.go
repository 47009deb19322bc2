package echomw

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"

	"github.com/vitals-go/vitals/core"
)

// Keys of a JobsReport the /jobs answer handles itself.
const (
	jobsComponentKey = "component"
	jobsErrorKey     = "error_message"
)

// renderJobs renders the /jobs answer: a JSON array of the JobsReport
// values every jobs check published in its latest result
// (core.JobsReports), in component order, each with a
// "component" key naming its check first. error_message is shown only
// with details: it may name hosts and internals.
func renderJobs(s *core.Snapshot, details bool, log *slog.Logger) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	n := 0
	for _, cs := range s.Components {
		if cs.Component.Provider != core.ProviderJobs {
			continue
		}
		items, err := jobsItems(cs.Result)
		if err != nil {
			log.Warn("vitals: jobs check details are not a list of reports", "component", cs.Component.Name, "err", err)
			continue
		}
		for _, item := range items {
			if n > 0 {
				b.WriteByte(',')
			}
			if err := writeReport(&b, item, cs.Component.Name, details); err != nil {
				// reportItems checked that every item is an object.
				log.Warn("vitals: jobs report", "component", cs.Component.Name, "err", err)
			}
			n++
		}
	}
	b.WriteByte(']')
	if !json.Valid(b.Bytes()) {
		log.Error("vitals: render /jobs: not JSON")
		return []byte("[]\n")
	}
	// Indented as json.Indent would for the list, its reports and their
	// values' first level; compact deeper, so that the size stays linear
	// in the reports' (the engine bounds each check's details).
	out := appendIndented(make([]byte, 0, b.Len()*2), b.Bytes(), "", detailsIndentLevels, math.MaxInt)
	return append(out, '\n')
}

// jobsItems returns the reports of a jobs check as JSON objects: each
// core.JobsReport when the result holds them (core.JobsReports), else the
// objects of whatever Details[core.JobsDetailsKey] holds (details the
// engine cut to its limits are maps).
func jobsItems(c core.Result) ([]json.RawMessage, error) {
	if reports, ok := core.JobsReports(c); ok {
		items := make([]json.RawMessage, len(reports))
		for i, r := range reports {
			b, err := json.Marshal(r)
			if err != nil {
				return nil, err
			}
			items[i] = b
		}
		return items, nil
	}
	v := c.Details[core.JobsDetailsKey]
	if v == nil {
		return nil, nil
	}
	return reportItems(v)
}

// reportItems returns the JSON objects of a "pipelines" value of another
// Go type than []core.JobsReport ([]any of maps, ...).
func reportItems(v any) ([]json.RawMessage, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, err
	}
	for i, it := range items {
		if len(it) == 0 || it[0] != '{' {
			return nil, fmt.Errorf("item %d is not an object", i)
		}
	}
	return items, nil
}

// writeReport writes one report object with "component" first, keeping
// the other keys in their order and dropping error_message without details.
func writeReport(b *bytes.Buffer, item json.RawMessage, component string, details bool) error {
	name, _ := json.Marshal(component)
	b.WriteString(`{"` + jobsComponentKey + `":`)
	b.Write(name)
	dec := json.NewDecoder(bytes.NewReader(item))
	if _, err := dec.Token(); err != nil { // {
		b.WriteByte('}')
		return err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			b.WriteByte('}')
			return err
		}
		key, ok := t.(string)
		if !ok {
			b.WriteByte('}')
			return errors.New("object key is not a string")
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			b.WriteByte('}')
			return err
		}
		if key == jobsComponentKey || (key == jobsErrorKey && !details) {
			continue
		}
		k, _ := json.Marshal(key)
		b.WriteByte(',')
		b.Write(k)
		b.WriteByte(':')
		b.Write(raw)
	}
	b.WriteByte('}')
	return nil
}
