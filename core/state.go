package core

import (
	"fmt"
	"strings"
)

// State is the health of a component, a group or the whole service.
//
// The numeric order is the order of severity used by aggregation: Unknown is
// the least severe so that a component that has not been checked yet cannot
// hide a real Down elsewhere.
type State int

const (
	// StateUnknown means no result yet, or a result that could not be interpreted.
	StateUnknown State = iota
	// StateUp means the component works.
	StateUp
	// StateDegraded means the component answers but not as it should.
	StateDegraded
	// StateDown means the component does not work.
	StateDown
)

// name returns the String form of a valid state, ok false for any other.
func (s State) name() (string, bool) {
	switch s {
	case StateUnknown:
		return "unknown", true
	case StateUp:
		return "up", true
	case StateDegraded:
		return "degraded", true
	case StateDown:
		return "down", true
	}
	return "", false
}

// String returns "unknown", "up", "degraded" or "down".
func (s State) String() string {
	if n, ok := s.name(); ok {
		return n
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// ParseState parses the String form of a State (case-insensitive).
func ParseState(text string) (State, error) {
	for s := StateUnknown; s <= StateDown; s++ {
		if n, _ := s.name(); strings.EqualFold(text, n) {
			return s, nil
		}
	}
	return StateUnknown, fmt.Errorf("core: %q is not a state (want unknown, up, degraded or down)", text)
}

// MarshalText encodes the state as its String form, which JSON uses too.
func (s State) MarshalText() ([]byte, error) {
	n, ok := s.name()
	if !ok {
		return nil, fmt.Errorf("core: invalid state %d", int(s))
	}
	return []byte(n), nil
}

// UnmarshalText decodes the String form of a state.
func (s *State) UnmarshalText(b []byte) error {
	v, err := ParseState(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Healthy reports whether the state lets traffic through: Up or Degraded.
func (s State) Healthy() bool { return s == StateUp || s == StateDegraded }

// Worst returns the most severe of the states, Unknown counting least.
// With no states at all it returns StateUnknown.
func Worst(states ...State) State {
	w := StateUnknown
	for _, s := range states {
		if s > w && s <= StateDown {
			w = s
		}
	}
	return w
}
