package core

import (
	"strings"
	"testing"
	"time"
)

func TestOptionErrorsNameTheField(t *testing.T) {
	tests := []struct {
		name string
		opt  Option
		want []string
	}{
		{"defaults fall", WithDefaults(0, 0, -1, 0), []string{"core: WithDefaults: fall: -1 must not be negative"}},
		{"defaults all", WithDefaults(-time.Second, -time.Millisecond, -1, -2), []string{
			"core: WithDefaults: interval: -1s must not be negative",
			"core: WithDefaults: timeout: -1ms must not be negative",
			"core: WithDefaults: fall: -1 must not be negative",
			"core: WithDefaults: rise: -2 must not be negative",
		}},
		{"retry", WithStartupRetry(RetryConfig{MaxRetries: -1, MaxBackoff: -time.Second}), []string{
			"core: WithStartupRetry: MaxRetries: -1 must not be negative",
			"core: WithStartupRetry: MaxBackoff: -1s must not be negative",
		}},
		{"retry backoff", WithStartupRetry(RetryConfig{InitialBackoff: -1}), []string{"core: WithStartupRetry: InitialBackoff: -1ns must not be negative"}},
		{"jitter negative", WithJitter(-0.1), []string{"core: jitter: -0.1 must be in [0, 1)"}},
		{"jitter one", WithJitter(1), []string{"core: jitter: 1 must be in [0, 1)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opt)
			if err == nil {
				t.Fatal("no error")
			}
			if got := strings.Split(err.Error(), "\n"); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("error:\n%v\nwant:\n%s", err, strings.Join(tt.want, "\n"))
			}
		})
	}
	for _, ok := range []Option{WithDefaults(0, 0, 0, 0), WithStartupRetry(RetryConfig{}), WithJitter(0), WithJitter(0.99)} {
		if _, err := New(ok); err != nil {
			t.Errorf("valid option: %v", err)
		}
	}
}
