package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// reference is the library every ratio is taken against.
const reference = "vitals"

// key names one measured quantity: a section, a case (1 check, 10,000
// components at 1 s...), a library and a metric.
type key struct{ section, cas, lib, metric string }

// results collects one value per round for each key, in order, and logs
// every value to raw as it comes.
type results struct {
	raw   io.Writer
	order []key
	vals  map[key][]float64
	notes map[key]string
	known map[key]bool // keys in order
}

func newResults(raw io.Writer) *results {
	return &results{raw: raw, vals: map[key][]float64{}, notes: map[key]string{}, known: map[key]bool{}}
}

// add records the value of k for the next round of k.
func (r *results) add(section, cas, lib, metric string, v float64) {
	k := key{section, cas, lib, metric}
	r.remember(k)
	r.vals[k] = append(r.vals[k], v)
	fmt.Fprintf(r.raw, "%s\t%s\t%s\t%s\t%d\t%.6g\n", section, cas, lib, metric, len(r.vals[k]), v)
}

func (r *results) remember(k key) {
	if !r.known[k] {
		r.known[k] = true
		r.order = append(r.order, k)
	}
}

// note records a value that is not a number (n/a and why).
func (r *results) note(section, cas, lib, metric, text string) {
	k := key{section, cas, lib, metric}
	r.remember(k)
	r.notes[k] = text
	fmt.Fprintf(r.raw, "%s\t%s\t%s\t%s\t-\t%s\n", section, cas, lib, metric, text)
}

// table is the markdown table: per key the median over rounds, the spread
// (min–max) and the ratio to Vitals' value of the same round (median and
// min–max of the per-round ratios).
func (r *results) table() string {
	var b strings.Builder
	b.WriteString("| section | case | library | metric | median | min–max | ÷ vitals: median (min–max) |\n")
	b.WriteString("| --- | --- | --- | --- | ---: | --- | --- |\n")
	for _, k := range r.order {
		if _, ok := r.vals[k]; !ok && r.notes[k] == "" {
			continue
		}
		if text, ok := r.notes[k]; ok {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | | |\n", k.section, k.cas, k.lib, k.metric, text)
			continue
		}
		v := r.vals[k]
		ratio := ""
		ref := key{k.section, k.cas, reference, k.metric}
		if rv, ok := r.vals[ref]; ok && k.lib != reference {
			var q []float64
			for i := range min(len(v), len(rv)) {
				if abs(rv[i]) >= 0.01 { // no ratio to (almost) nothing: allocations that round to 0
					q = append(q, v[i]/rv[i])
				}
			}
			if len(q) > 0 {
				ratio = fmt.Sprintf("**%s** (%s)", num(median(q)), spread(q))
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", k.section, k.cas, k.lib, k.metric, num(median(v)), spread(v), ratio)
	}
	return b.String()
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func spread(v []float64) string {
	if len(v) < 2 {
		return "1 run"
	}
	return num(slices.Min(v)) + "–" + num(slices.Max(v))
}

// num prints v with three significant digits, without exponents.
func num(v float64) string {
	switch a := abs(v); {
	case a == 0:
		return "0"
	case a < 0.01:
		return "<0.01"
	case a >= 1000:
		return fmt.Sprintf("%.0f", v)
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// printTable prints the table of raw output files (raw.txt), as the run
// that wrote them did; the cases (section and case) a later file has
// replace an earlier's.
func printTable(files []string, stdout io.Writer) error {
	if len(files) == 0 {
		return errors.New("-table: name the raw.txt files")
	}
	res := newResults(io.Discard)
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		lines := strings.Split(string(b), "\n")
		for _, line := range lines {
			if f := strings.Split(line, "\t"); len(f) == 6 {
				for k := range res.known {
					if k.section == f[0] && k.cas == f[1] {
						delete(res.vals, k)
						delete(res.notes, k)
					}
				}
			}
		}
		for i, line := range lines {
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			f := strings.Split(line, "\t")
			if len(f) != 6 {
				continue // not a value line (a child's stderr)
			}
			k := key{f[0], f[1], f[2], f[3]}
			if f[4] == "-" {
				res.note(k.section, k.cas, k.lib, k.metric, f[5])
				continue
			}
			v, err := strconv.ParseFloat(f[5], 64)
			if err != nil {
				return fmt.Errorf("%s:%d: %w", name, i+1, err)
			}
			res.add(k.section, k.cas, k.lib, k.metric, v)
		}
	}
	fmt.Fprint(stdout, res.table())
	return nil
}
