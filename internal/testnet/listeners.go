package testnet

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
)

// ServeListeners is the body of a listener process, which a benchmark
// starts apart so that the connections it checks cost it nothing: it opens
// count loopback listeners (count is a decimal number, what names it in the
// error), prints their addresses one a line, and accepts and closes
// connections until its stdin ends. It returns the process's exit code.
func ServeListeners(what, count string) int {
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 {
		fmt.Fprintf(os.Stderr, "%s: %q is not a positive number\n", what, count)
		return 2
	}
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println(ln.Addr())
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
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}
