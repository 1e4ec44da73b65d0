package model

import (
	"testing"
	"time"
)

func TestQuietWindowOpens(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	at := func(d, h, m int) time.Time { return time.Date(2025, 3, d, h, m, 0, 0, sh) }
	day := QuietWindow{Start: "08:00", End: "21:00"}
	night := QuietWindow{Start: "20:00", End: "02:00"}
	for _, c := range []struct {
		w     QuietWindow
		now   time.Time
		open  bool
		opens time.Time
	}{
		{day, at(1, 22, 0), false, at(2, 8, 0)},
		{day, at(2, 7, 59), false, at(2, 8, 0)},
		{day, at(2, 8, 0), true, time.Time{}},
		{day, at(2, 20, 59), true, time.Time{}},
		{day, at(2, 21, 0), false, at(3, 8, 0)},
		{night, at(2, 1, 0), true, time.Time{}},
		{night, at(2, 3, 0), false, at(2, 20, 0)},
		{night, at(2, 23, 0), true, time.Time{}},
		{QuietWindow{}, at(2, 3, 0), true, time.Time{}},
	} {
		open, opens := c.w.Opens(c.now)
		if open != c.open || !opens.Equal(c.opens) {
			t.Errorf("%v at %v: open %v opens %v, want %v %v", c.w, c.now, open, opens, c.open, c.opens)
		}
	}
}
