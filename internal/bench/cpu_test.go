package bench

import (
	"testing"
	"time"
)

func TestCPUTicksFromProc(t *testing.T) {
	// A command name with spaces and a parenthesis: fields count after its last ')'.
	self := "4242 (touchbase bench (x)) S 1 4242 4242 0 -1 4194304 9013 0 0 0 512 73 0 0 20 0 12 0 123 456 789"
	if got, ok := processTicks(self); !ok || got != 585 {
		t.Errorf("process ticks %d %v, want 585 (utime 512 + stime 73)", got, ok)
	}
	all := "cpu  1000 20 300 5000 70 8 9 4 0 0\ncpu0 500 10 150 2500 35 4 4 2 0 0\n"
	if got, ok := busyTicks(all); !ok || got != 1341 {
		t.Errorf("busy ticks %d %v, want 1341 (user, nice, system, irq, softirq, steal)", got, ok)
	}
	for _, bad := range []string{"", "cpu0 1 2 3", "cpu  a b c d e f g h"} {
		if _, ok := busyTicks(bad); ok {
			t.Errorf("busy ticks of %q read", bad)
		}
	}
	if _, ok := processTicks("4242 touchbase S 1"); ok {
		t.Error("a stat line without its command name read")
	}
	if s := cpuSince(cpuSample{}, time.Second); s != "unknown (no /proc)" {
		t.Errorf("no start sample: %q", s)
	}
}
