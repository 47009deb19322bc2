package core_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/vitals-go/vitals/core"
)

// A service wires two checks: its database over TCP (critical) and an
// optional cache through a plain function (non-critical), then reads the
// snapshot as its /ready handler would. The cache failing degrades the
// service without taking it out of rotation.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// A local listener stands in for the database.
	db, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	accepted := make(chan struct{})
	go func() {
		defer close(accepted)
		for {
			c, err := db.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
	defer func() { _ = db.Close(); <-accepted }()

	e, err := core.New(core.WithProviders(&core.TCPProvider{}))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = e.Add(ctx, core.Component{
		Name:     "db",
		Provider: "tcp",
		Config:   map[string]any{"address": db.Addr().String()},
		Interval: time.Minute,
		Timeout:  2 * time.Second,
		Fall:     1,
		Rise:     1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	err = e.AddFunc(ctx, core.Component{Name: "cache", NonCritical: true, Interval: time.Minute, Fall: 1, Rise: 1},
		func(context.Context) error { return errors.New("cache unreachable") })
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := e.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = e.Stop(context.Background()) }()

	// Check everything now rather than waiting for the first interval.
	if err := e.ForceCheck(ctx); err != nil {
		fmt.Println(err)
		return
	}
	s := e.Snapshot()
	for _, cs := range s.Components {
		fmt.Printf("%s: %s (%s)\n", cs.Component.Name, cs.Result.State, cs.Result.Message)
	}
	fmt.Println("overall:", s.State)
	fmt.Println("ready:", s.Ready())
	// Output:
	// cache: down (cache unreachable)
	// db: up (connected)
	// overall: degraded
	// ready: true
}
