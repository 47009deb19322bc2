package core_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core"
)

// longName returns a name of n characters of the whole alphabet: a DNS
// name's labels and a container ID's hex digits.
func longName(n int) string {
	const alphabet = "a0-Z9_x.c3e9f1b2d4"
	return strings.Repeat(alphabet, n/len(alphabet)+1)[:n]
}

func TestComponentNameLimits(t *testing.T) {
	id := strings.Repeat("0123456789abcdef", 4) // a container ID
	for _, name := range []string{"a", id, "api.payments.eu-west-1.internal.example.com", longName(core.MaxNameLength)} {
		c := core.Component{Name: name, Provider: "p"}.WithDefaults()
		if err := c.Validate(); err != nil {
			t.Errorf("%d characters: %v", len(name), err)
		}
	}
	for _, name := range []string{"", longName(core.MaxNameLength + 1), "-x", ".x", "a b", "a/b", "a%2Fb", "a?b", "a#b", `a"b`, "é"} {
		c := core.Component{Name: name, Provider: "p"}.WithDefaults()
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), "must be 1-253 letters, digits") {
			t.Errorf("%q accepted or wrong error: %v", name, err)
		}
	}
	// A name far too long is not repeated whole in the error.
	err := core.Component{Name: longName(10000), Provider: "p"}.WithDefaults().Validate()
	if err == nil || len(err.Error()) > 500 || !strings.Contains(err.Error(), "(10000 bytes)") {
		t.Errorf("error for a 10000-byte name: %.600v", err)
	}
	// Groups and providers keep their 63.
	c := core.Component{Name: "a", Provider: "p", Groups: []string{longName(64)}}.WithDefaults()
	if err := c.Validate(); err == nil {
		t.Error("a 64-character group name was accepted")
	}
}

func TestLongNameThroughEngine(t *testing.T) {
	name := longName(core.MaxNameLength)
	e, err := core.New(core.WithJitter(0))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop(context.Background())
	if err := e.AddFunc(context.Background(), core.Component{Name: name}, func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if res, err := e.Check(context.Background(), name); err != nil || res.State != core.StateUp {
		t.Fatalf("Run = %v, %v", res, err)
	}
	if cs, ok := e.Snapshot().Get(name); !ok || cs.Result.State != core.StateUp {
		t.Fatalf("snapshot: %v %v", cs, ok)
	}
}
