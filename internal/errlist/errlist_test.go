package errlist_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/vitals-go/vitals/internal/errlist"
)

// Leaves flattens nested joins in order and leaves wrapped errors whole.
func TestLeaves(t *testing.T) {
	a, b, c := errors.New("a"), errors.New("b"), errors.New("c")
	wrapped := fmt.Errorf("ctx: %w", c)
	for _, tc := range []struct {
		name string
		err  error
		want []error
	}{
		{"nil", nil, nil},
		{"plain", a, []error{a}},
		{"joined", errors.Join(a, b), []error{a, b}},
		{"nested", errors.Join(a, errors.Join(b, wrapped)), []error{a, b, wrapped}},
	} {
		if got := errlist.Leaves(tc.err); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Leaves = %v, want %v", tc.name, got, tc.want)
		}
	}
}
