// Package csvexport writes the CSV files Touchbase hands out — the records
// export and a bulk send's recipients — so that a spreadsheet program opens
// them as the data they hold and never runs any of it.
//
// A file starts with a UTF-8 byte-order mark, so Excel and WPS read
// Chinese right. A cell that starts with =, +, -, @, a tab or a carriage
// return gets a single quote in front (the OWASP rule against CSV formula
// injection): a spreadsheet would take it for a formula, and a rep could
// plant =HYPERLINK(…) in a summary that runs when a manager opens the file.
//
// No column is exempt, phone numbers included. The address columns hold
// e-mail addresses as well as mobile numbers, and an e-mail address may
// itself begin with =, + or -, so they carry text that users write. And a
// spreadsheet reads an unquoted +8613800138000 as the formula
// "+8613800138000" and shows 8.61E+12: with the quote the number stays
// whole, as text. XLSX exports need none of this: their cells are written
// as typed text, which no spreadsheet evaluates.
package csvexport

import (
	"encoding/csv"
	"io"
)

// bom is the UTF-8 byte-order mark a file starts with.
const bom = "\uFEFF"

// Cell returns s as it is safe to write into a CSV cell: with a single
// quote in front when it starts with a character that makes spreadsheets
// read a formula.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Uncell undoes Cell: the single quote Cell puts before a leading formula
// character is dropped, so a file Touchbase exported imports again as it
// was. Any other text is returned as is.
func Uncell(s string) string {
	if len(s) > 1 && s[0] == '\'' && Cell(s[1:]) != s[1:] {
		return s[1:]
	}
	return s
}

// Writer writes the rows of one CSV file, every cell through Cell.
type Writer struct {
	cw  *csv.Writer
	row []string
}

// NewWriter writes the byte-order mark to w and returns a Writer on it.
func NewWriter(w io.Writer) (*Writer, error) {
	if _, err := io.WriteString(w, bom); err != nil {
		return nil, err
	}
	return &Writer{cw: csv.NewWriter(w)}, nil
}

// Write writes one row. The cells of row are left as they were.
func (w *Writer) Write(row []string) error {
	w.row = w.row[:0]
	for _, c := range row {
		w.row = append(w.row, Cell(c))
	}
	return w.cw.Write(w.row)
}

// Flush writes out what is buffered and reports the first error of the
// file's writes.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}
