package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/vitals-go/vitals/core/confkit"
)

// Bounds of expect_json.
const (
	jsonMaxConditions = 32
	jsonMaxPath       = 256
	jsonMaxPattern    = 1024
	// jsonQuoteMax bounds how much of a value a message quotes.
	jsonQuoteMax = 64
)

// jsonOps are the operators of expect_json, separated by spaces.
const jsonOps = "== != < <= > >= contains matches exists"

// jsonStep is one step of a path: an object key or, when index >= 0, a
// list index.
type jsonStep struct {
	key   string
	index int
}

// jsonCondition is one parsed expect_json item.
type jsonCondition struct {
	text  string // as the message shows it: `$.a == "x"`
	steps []jsonStep
	op    string
	want  any            // string, float64, bool or nil
	num   float64        // want, for < <= > >=
	re    *regexp.Regexp // for matches
}

// parseJSONConditions reads expect_json: a list whose items are either a
// string "PATH OP VALUE" or a map {path, op, value}.
func parseJSONConditions(r *confkit.Reader, key string) []jsonCondition {
	v, ok := r.Value(key)
	if !ok {
		return nil
	}
	items, ok := v.([]any)
	if !ok {
		if s, isStr := v.([]string); isStr {
			for _, e := range s {
				items = append(items, e)
			}
		} else {
			r.Fail(key, confkit.Problem(confkit.ErrType, "%s is not a list of conditions", confkit.Literal(v)))
			return nil
		}
	}
	if len(items) > jsonMaxConditions {
		r.Fail(key, confkit.Problem(confkit.ErrRange, "has %d conditions, at most %d", len(items), jsonMaxConditions))
		return nil
	}
	var out []jsonCondition
	for i, item := range items {
		p := confkit.JoinPath(key, fmt.Sprintf("[%d]", i))
		c, err := parseJSONCondition(item)
		if err != nil {
			for _, fe := range confkit.Fields(confkit.Prefix(p, err)) {
				r.Fail(fe.Path, fe.Err)
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

func parseJSONCondition(item any) (jsonCondition, error) {
	var path, op string
	var value any
	hasValue := false
	switch x := item.(type) {
	case string:
		s := strings.TrimSpace(x)
		var rest string
		path, rest, _ = strings.Cut(s, " ")
		op, rest, _ = strings.Cut(strings.TrimSpace(rest), " ")
		if rest = strings.TrimSpace(rest); rest != "" {
			hasValue = true
			if err := json.Unmarshal([]byte(rest), &value); err != nil {
				value = rest // a bare word: a string
			}
		}
	default:
		m, err := confkit.Map(item)
		if err != nil {
			return jsonCondition{}, confkit.Problem(confkit.ErrType, `%s is neither "PATH OP VALUE" nor a map {path, op, value}`, confkit.Literal(item))
		}
		r := confkit.NewReader(m)
		r.Only("path", "op", "value")
		path = r.RequiredString("path", `a path such as "$.status.indicator"`)
		op = r.String("op", "==")
		value, hasValue = r.Value("value")
		if err := r.Err(); err != nil {
			return jsonCondition{}, err
		}
	}
	c := jsonCondition{op: op}
	steps, err := parseJSONPath(path)
	if err != nil {
		return c, err
	}
	c.steps = steps
	if !slices.Contains(strings.Fields(jsonOps), op) {
		return c, confkit.Problem(confkit.ErrInvalid, "operator %q is not one of %s", op, jsonOps)
	}
	if op == "exists" {
		if hasValue {
			return c, confkit.Problem(confkit.ErrInvalid, "exists takes no value")
		}
		c.text = path + " exists"
		return c, nil
	}
	if !hasValue {
		return c, confkit.Problem(confkit.ErrRequired, "%s needs a value", op)
	}
	if c.want, err = jsonScalar(value); err != nil {
		return c, err
	}
	switch op {
	case "<", "<=", ">", ">=":
		n, ok := jsonNumber(c.want)
		if !ok {
			return c, confkit.Problem(confkit.ErrType, "%s needs a number, not %s", op, confkit.Literal(value))
		}
		c.num = n
	case "matches":
		s, ok := c.want.(string)
		if !ok {
			return c, confkit.Problem(confkit.ErrType, "matches needs a pattern string, not %s", confkit.Literal(value))
		}
		if len(s) > jsonMaxPattern {
			return c, confkit.Problem(confkit.ErrRange, "pattern is %d bytes, at most %d", len(s), jsonMaxPattern)
		}
		if c.re, err = regexp.Compile(s); err != nil {
			return c, confkit.Problem(confkit.ErrInvalid, "%q is not a regular expression (RE2): %v", s, err)
		}
	}
	c.text = path + " " + op + " " + quoteJSON(c.want)
	return c, nil
}

// jsonScalar normalizes a configured value to what encoding/json decodes:
// string, float64, bool or nil.
func jsonScalar(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, float64:
		return x, nil
	case json.Number:
		return x.Float64()
	}
	if _, err := confkit.Int(v); err == nil {
		s, _ := confkit.String(v)
		return strconv.ParseFloat(s, 64)
	}
	if f, ok := v.(float32); ok {
		return float64(f), nil
	}
	return nil, confkit.Problem(confkit.ErrType, "value %s is not a string, number, boolean or null", confkit.Literal(v))
}

// jsonNumber returns v as a number: a float64, or a string that parses as
// one (environment variables).
func jsonNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// parseJSONPath reads "$", then ".key", "[N]" or `["key"]` steps.
func parseJSONPath(p string) ([]jsonStep, error) {
	bad := func(why string) error {
		return confkit.Problem(confkit.ErrInvalid, `path %q %s (write "$", then .key, [index] or ["key"] steps: "$.items[0].name")`, p, why)
	}
	if len(p) > jsonMaxPath {
		return nil, confkit.Problem(confkit.ErrRange, "path is %d bytes, at most %d", len(p), jsonMaxPath)
	}
	if !strings.HasPrefix(p, "$") {
		return nil, bad(`does not start with "$"`)
	}
	var steps []jsonStep
	rest := p[1:]
	for rest != "" {
		switch rest[0] {
		case '.':
			end := strings.IndexAny(rest[1:], ".[")
			if end < 0 {
				end = len(rest) - 1
			}
			key := rest[1 : 1+end]
			if key == "" {
				return nil, bad("has an empty key")
			}
			steps = append(steps, jsonStep{key: key, index: -1})
			rest = rest[1+end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, bad(`has a "[" without "]"`)
			}
			inner := rest[1:end]
			if strings.HasPrefix(inner, `"`) {
				key, err := strconv.Unquote(inner)
				if err != nil {
					return nil, bad("has a badly quoted key")
				}
				steps = append(steps, jsonStep{key: key, index: -1})
			} else {
				n, err := strconv.Atoi(inner)
				if err != nil || n < 0 {
					return nil, bad(fmt.Sprintf("has %q, not an index", inner))
				}
				steps = append(steps, jsonStep{index: n})
			}
			rest = rest[end+1:]
		default:
			return nil, bad(fmt.Sprintf("has %q where . or [ belongs", rest[:1]))
		}
	}
	return steps, nil
}

// decodeJSONBody decodes a body for expect_json.
func decodeJSONBody(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return doc, nil
}

// firstFailing returns the message of the first condition that does not
// hold in doc, or "".
func firstFailing(conds []jsonCondition, doc any) string {
	for _, c := range conds {
		got, found := jsonLookup(doc, c.steps)
		if ok, why := c.holds(got, found); !ok {
			return c.text + ": " + why
		}
	}
	return ""
}

func jsonLookup(doc any, steps []jsonStep) (any, bool) {
	cur := doc
	for _, s := range steps {
		if s.index >= 0 {
			list, ok := cur.([]any)
			if !ok || s.index >= len(list) {
				return nil, false
			}
			cur = list[s.index]
			continue
		}
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[s.key]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// holds says whether the condition holds for got, and if not, why.
func (c jsonCondition) holds(got any, found bool) (bool, string) {
	if !found {
		return false, "no such value"
	}
	gotText := "got " + quoteJSON(got)
	switch c.op {
	case "exists":
		return true, ""
	case "==":
		return jsonEqual(got, c.want), gotText
	case "!=":
		return !jsonEqual(got, c.want), gotText
	case "<", "<=", ">", ">=":
		n, ok := got.(float64)
		if !ok {
			return false, gotText + ", not a number"
		}
		switch c.op {
		case "<":
			return n < c.num, gotText
		case "<=":
			return n <= c.num, gotText
		case ">":
			return n > c.num, gotText
		}
		return n >= c.num, gotText
	case "contains":
		switch g := got.(type) {
		case string:
			w, ok := c.want.(string)
			return ok && strings.Contains(g, w), gotText
		case []any:
			return slices.ContainsFunc(g, func(e any) bool { return jsonEqual(e, c.want) }), gotText
		}
		return false, gotText + ", not a string or a list"
	case "matches":
		s, ok := scalarText(got)
		if !ok {
			return false, gotText + ", not a string"
		}
		return c.re.MatchString(s), gotText
	}
	return false, "unknown operator"
}

// jsonEqual compares a decoded value with a configured one; a configured
// string also matches a number or boolean with that text.
func jsonEqual(got, want any) bool {
	if w, ok := want.(string); ok {
		if g, ok := scalarText(got); ok {
			return g == w
		}
		return false
	}
	switch g := got.(type) {
	case float64, bool, nil:
		return g == want
	}
	return false
}

// scalarText renders a string, number or boolean as text.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// quoteJSON renders v as JSON, cut to jsonQuoteMax bytes.
func quoteJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	if len(b) > jsonQuoteMax {
		return string(b[:jsonQuoteMax]) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return string(b)
}
