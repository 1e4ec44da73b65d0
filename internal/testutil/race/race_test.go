package race

import "testing"

func TestScale(t *testing.T) {
	for _, c := range []struct{ n, plain, race int }{{10000, 10000, 2000}, {3, 3, 1}, {0, 0, 1}} {
		want := c.plain
		if Enabled {
			want = c.race
		}
		if got := Scale(c.n); got != want {
			t.Errorf("Scale(%d) = %d, want %d (race detector on: %v)", c.n, got, want, Enabled)
		}
	}
}
