package testnet

import (
	"fmt"
	"io"
	"net"
)

// AcceptAndCloseUntil is the dependency side of a scale benchmark, run in
// a process of its own so that its CPU time and allocations are not the
// benchmark's: it opens n listeners on 127.0.0.1, writes their addresses to
// out one per line, and accepts and closes every connection until in ends
// (the benchmark closes the process's stdin).
func AcceptAndCloseUntil(n int, in io.Reader, out io.Writer) error {
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		fmt.Fprintln(out, ln.Addr())
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				_ = c.Close()
			}
		}()
	}
	_, err := io.Copy(io.Discard, in)
	return err
}
