// Package race tells tests whether the race detector is on. Under it the
// pure-Go SQLite driver runs many times slower, so tests that measure the
// product at scale (ten thousand recipients and more) run a smaller
// population there: the race detector looks for races, which a few
// thousand rows exercise as well as a hundred thousand; the figures quoted
// in the docs come from runs without it.
package race

// Scale returns n, or a fifth of it (at least one) under the race
// detector.
func Scale(n int) int {
	if Enabled {
		return max(1, n/5)
	}
	return n
}
