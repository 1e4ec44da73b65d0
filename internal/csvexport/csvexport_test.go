package csvexport_test

import (
	"bytes"
	"slices"
	"testing"

	"touchbase/internal/csvexport"
)

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+8613800138000":    "'+8613800138000",
		"-1+1":              "'-1+1",
		"@SUM(A1)":          "'@SUM(A1)",
		"\t=1+1":            "'\t=1+1",
		"\r=1+1":            "'\r=1+1",
		"13800138000":       "13800138000",
		"李雷":                "李雷",
		" =1+1":             " =1+1", // a leading space makes text already
		"a=b":               "a=b",
		"'quoted":           "'quoted",
		"2026-03-01 08:00":  "2026-03-01 08:00",
		"wang@example.com":  "wang@example.com",
		"=":                 "'=",
		"＝1+1 (full width)": "＝1+1 (full width)",
	} {
		if got := csvexport.Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
		if back := csvexport.Uncell(want); back != in {
			t.Errorf("Uncell(%q) = %q, want %q", want, back, in)
		}
	}
	// A quote of the writer's own stays unless a formula character follows.
	for _, s := range []string{"'quoted", "'", "''=1", "'李雷"} {
		if got := csvexport.Uncell(s); got != s {
			t.Errorf("Uncell(%q) = %q", s, got)
		}
	}
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w, err := csvexport.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	row := []string{"1", "=1+1", "a,b", "-"}
	if err := w.Write(row); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]string{"@x"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := "\uFEFF1,'=1+1,\"a,b\",'-\n'@x\n"; buf.String() != want {
		t.Errorf("file %q, want %q", buf.String(), want)
	}
	if !slices.Equal(row, []string{"1", "=1+1", "a,b", "-"}) {
		t.Errorf("the caller's row changed: %q", row)
	}
}
