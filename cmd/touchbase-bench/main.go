// Command touchbase-bench measures Touchbase on this machine: it generates
// data and reports medians and tail latencies. Run it with -h.
package main

import (
	"os"

	"touchbase/internal/bench"
)

func main() {
	os.Exit(bench.Main(os.Args[1:], os.Stdout, os.Stderr))
}
