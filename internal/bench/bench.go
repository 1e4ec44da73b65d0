// Package bench is the load tool behind cmd/touchbase-bench: it generates
// realistic data in a Touchbase database and measures the product's hot
// paths, reporting medians and 95th percentiles (these machines are shared
// and noisy; single runs mean little).
package bench

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"slices"
	"syscall"
	"time"
)

// Main runs the subcommand in args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: touchbase-bench records [flags]   (list/filter latency over many contact records)")
		fmt.Fprintln(stderr, "       touchbase-bench bulk [flags]      (accept and deliver a bulk send to loopback sinks)")
		fmt.Fprintln(stderr, "       touchbase-bench crash [flags]     (SIGKILL serve during a bulk send; check exactly-once)")
		fmt.Fprintln(stderr, "       touchbase-bench plans [flags]     (plan reminders over a window: lateness, once each)")
		fmt.Fprintln(stderr, "       touchbase-bench pages [flags]     (many signed-in users walking the main pages of serve)")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var err error
	switch args[0] {
	case "records":
		err = runRecords(ctx, args[1:], stdout, stderr)
	case "bulk":
		err = runBulk(ctx, args[1:], stdout, stderr)
	case "crash":
		err = runCrash(ctx, args[1:], stdout, stderr)
	case "plans":
		err = runPlans(ctx, args[1:], stdout, stderr)
	case "pages":
		err = runPages(ctx, args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "touchbase-bench: unknown benchmark %q\n", args[0])
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "touchbase-bench %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// Stats summarises repeated timings.
type Stats struct {
	N        int
	Median   time.Duration
	P95      time.Duration
	P99      time.Duration
	Max      time.Duration
	Min      time.Duration
	Failures int
}

// Summarise computes the statistics of samples.
func Summarise(samples []time.Duration) Stats {
	if len(samples) == 0 {
		return Stats{}
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	idx := func(q float64) int { return min(len(s)-1, int(q*float64(len(s)))) }
	return Stats{N: len(s), Median: s[len(s)/2], P95: s[idx(0.95)], P99: s[idx(0.99)], Max: s[len(s)-1], Min: s[0]}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
