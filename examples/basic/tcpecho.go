package main

import (
	"context"
	"io"
	"net"
	"sync"

	"go.uber.org/fx"
)

// tcpEcho is a tiny TCP echo server, the dependency the example's TCP check
// watches. It listens on a free loopback port from OnStart to OnStop.
type tcpEcho struct {
	mu    sync.Mutex
	ln    net.Listener
	open  map[net.Conn]struct{} // nil once stopped
	conns sync.WaitGroup
}

func newTCPEcho(lc fx.Lifecycle) *tcpEcho {
	t := &tcpEcho{}
	lc.Append(fx.Hook{OnStart: t.start, OnStop: t.stop})
	return t
}

// Addr returns the listening address ("" before start).
func (t *tcpEcho) Addr() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ln == nil {
		return ""
	}
	return t.ln.Addr().String()
}

func (t *tcpEcho) start(context.Context) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.ln, t.open = ln, map[net.Conn]struct{}{}
	t.mu.Unlock()
	t.conns.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed by stop
			}
			t.mu.Lock()
			if t.open == nil {
				t.mu.Unlock()
				c.Close()
				return
			}
			t.open[c] = struct{}{}
			t.mu.Unlock()
			t.conns.Go(func() {
				_, _ = io.Copy(c, c)
				t.mu.Lock()
				delete(t.open, c)
				t.mu.Unlock()
				c.Close()
			})
		}
	})
	return nil
}

func (t *tcpEcho) stop(context.Context) error {
	t.mu.Lock()
	err := t.ln.Close()
	for c := range t.open {
		c.Close()
	}
	t.open = nil
	t.mu.Unlock()
	t.conns.Wait()
	return err
}
