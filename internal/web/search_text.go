package web

import (
	"strings"

	"touchbase/internal/model"
)

// maxSearch is the longest search or filter text taken, as the boxes allow.
const maxSearch = 200

// searchText is a search or filter text as typed, made valid text of at
// most maxSearch characters: a NUL or an invalid byte (which no stored text
// holds) is dropped, and a longer text typed past the box is cut.
func searchText(q string) string {
	q = model.TextOnly(q)
	if rs := []rune(q); len(rs) > maxSearch {
		q = string(rs[:maxSearch])
	}
	return strings.TrimSpace(q)
}
