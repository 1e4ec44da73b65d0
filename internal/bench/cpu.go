package bench

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of the CPU times Linux reports in /proc (USER_HZ,
// 100 on every mainstream architecture).
const clockTick = 10 * time.Millisecond

// cpuSample is the CPU time used so far by this process and by the whole
// machine (every process, the database server's included), read from
// /proc; ok is false where /proc does not tell.
type cpuSample struct {
	proc, machine time.Duration
	ok            bool
}

// sampleCPU reads the CPU time used so far.
func sampleCPU() cpuSample {
	self, err1 := os.ReadFile("/proc/self/stat")
	all, err2 := os.ReadFile("/proc/stat")
	if err1 != nil || err2 != nil {
		return cpuSample{}
	}
	proc, ok1 := processTicks(string(self))
	machine, ok2 := busyTicks(string(all))
	return cpuSample{proc: proc * clockTick, machine: machine * clockTick, ok: ok1 && ok2}
}

// processTicks is utime + stime of a /proc/PID/stat line (fields 14 and
// 15, counted after the parenthesised command name, which may hold
// spaces).
func processTicks(stat string) (time.Duration, bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(stat[i+1:]) // f[0] is field 3, the state
	if len(f) < 13 {
		return 0, false
	}
	return sumFields(f, 11, 12)
}

// busyTicks is the busy time of all CPUs in /proc/stat: user, nice,
// system, irq, softirq and steal (not idle or iowait).
func busyTicks(stat string) (time.Duration, bool) {
	line, _, _ := strings.Cut(stat, "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, false
	}
	return sumFields(f, 1, 2, 3, 6, 7, 8)
}

// sumFields adds the integer fields of f at the indexes given (each
// within f).
func sumFields(f []string, at ...int) (time.Duration, bool) {
	var sum int64
	for _, i := range at {
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return 0, false
		}
		sum += n
	}
	return time.Duration(sum), true
}

// cpuSince says how much CPU this process and the machine used since
// start, over wall, and how busy that kept the machine's cores.
func cpuSince(start cpuSample, wall time.Duration) string {
	end := sampleCPU()
	if !start.ok || !end.ok || wall <= 0 {
		return "unknown (no /proc)"
	}
	machine := end.machine - start.machine
	busy := machine.Seconds() / (wall.Seconds() * float64(runtime.NumCPU())) * 100
	return fmt.Sprintf("this process %.1f s, whole machine %.1f s (%d cores %.0f%% busy)",
		(end.proc - start.proc).Seconds(), machine.Seconds(), runtime.NumCPU(), busy)
}
