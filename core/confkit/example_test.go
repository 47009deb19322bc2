package confkit_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
)

// RedisProvider is a third-party provider. Its config is read with a
// confkit.Reader, so it accepts what YAML, JSON and environment variables
// produce ("6379" for 6379) and reports every problem as a
// *confkit.FieldError, which core prefixes with "config" and
// fxmodule/config with the check's key.
type RedisProvider struct{}

type redisConfig struct {
	addr    string
	db      int64
	timeout time.Duration
	expect  confkit.StatusSet
}

func parseRedis(cfg map[string]any) (redisConfig, error) {
	r := confkit.NewReader(cfg)
	r.Only("addr", "db", "dial_timeout", "expect_status")
	rc := redisConfig{
		addr:    r.RequiredString("addr", "host:port of the server"),
		db:      r.Int("db", 0, 0, 15),
		timeout: r.Duration("dial_timeout", time.Second, time.Millisecond, time.Minute),
		expect:  r.StatusSet("expect_status", confkit.StatusSet{{Lo: 200, Hi: 299}}),
	}
	return rc, r.Err()
}

// Name returns "redis".
func (RedisProvider) Name() string { return "redis" }

// ValidateConfig makes core refuse a bad config when the check is added.
func (RedisProvider) ValidateConfig(c core.Component) error {
	_, err := parseRedis(c.Config)
	return err
}

// Check pings the server.
func (RedisProvider) Check(ctx context.Context, c core.Component) core.Result {
	rc, err := parseRedis(c.Config)
	if err != nil {
		return core.Result{State: core.StateUnknown, Message: "invalid config: " + err.Error(), Err: err}
	}
	_ = rc // dial rc.addr, SELECT rc.db, ...
	return core.Result{State: core.StateUp}
}

// A provider written by a third party reads its config with confkit; the
// errors name each key and quote the value as written, and they keep
// their structure through core.
func Example_provider() {
	e, err := core.New(core.WithProviders(RedisProvider{}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = e.Stop(context.Background()) }()

	// Numbers as strings are fine: an environment variable set them.
	err = e.Add(context.Background(), core.Component{Name: "cache", Provider: "redis",
		Config: map[string]any{"addr": "127.0.0.1:6379", "db": "2", "dial_timeout": "250ms"}})
	fmt.Println("added:", err == nil)

	err = e.Add(context.Background(), core.Component{Name: "sessions", Provider: "redis",
		Config: map[string]any{"db": uint64(1 << 40), "dial_timeout": 5, "expect_stauts": 200}})
	fmt.Println(err)
	for _, fe := range confkit.Fields(confkit.Prefix("checks[1]", err)) {
		fmt.Printf("%s (%v)\n", fe.Path, errors.Is(fe, confkit.ErrRange))
	}
	// Output:
	// added: true
	// core: component "sessions": config.expect_stauts: unknown key (known keys: addr, db, dial_timeout, expect_status)
	// config.addr: is required (host:port of the server)
	// config.db: 1099511627776 is out of range [0, 15]
	// config.dial_timeout: 5 is not a duration (write it as "5s", "250ms", "1m30s")
	// checks[1].config.expect_stauts (false)
	// checks[1].config.addr (false)
	// checks[1].config.db (true)
	// checks[1].config.dial_timeout (false)
}
