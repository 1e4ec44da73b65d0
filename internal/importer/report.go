package importer

import (
	"strings"
	"unicode/utf8"
)

// Options tune an import.
type Options struct {
	// DefaultRegion is the phone region of numbers written without a country
	// code, e.g. "CN".
	DefaultRegion string
	// DryRun checks the whole file and fills the report without writing.
	DryRun bool
	// DefaultRepID is the exclusive rep of new customers whose row names none.
	DefaultRepID *int64
}

// Report tells what an import did.
type Report struct {
	// Rows is the number of data rows read (the header and blank lines excluded).
	Rows int `json:"rows"`
	// Failed is the number of rows not imported because of an error.
	Failed int `json:"failed"`
	// CustomersCreated and CustomersUpdated count distinct customers.
	CustomersCreated int `json:"customers_created"`
	CustomersUpdated int `json:"customers_updated"`
	// ContactsCreated and ContactsUpdated count distinct contacts.
	ContactsCreated int `json:"contacts_created"`
	ContactsUpdated int `json:"contacts_updated"`
	// Errors lists the faults of the rejected rows, in file order: one entry
	// per faulty field, at most MaxErrors entries (Failed counts them all).
	Errors []RowError `json:"errors"`
	// Warnings lists what was ignored, such as unknown columns.
	Warnings []RowError `json:"warnings"`
	// Stopped is set when the import stopped part-way (a database
	// failure, a fault of the file found further down): the counts are
	// of what was written, the rows through WrittenThrough (a line of the
	// file; 0: none), and nothing after it was.
	Stopped        bool `json:"stopped"`
	WrittenThrough int  `json:"written_through_line"`
}

// MaxErrors bounds Report.Errors, so a file of garbage cannot exhaust memory.
const MaxErrors = 1000

// maxValueRunes bounds RowError.Value.
const maxValueRunes = 200

// RowError is one fault found in the file.
type RowError struct {
	// Line is the physical line number in the file, the header being line 1
	// (for a field spanning several lines, the line where its row starts).
	Line int `json:"line"`
	// Field is the column's canonical name (customer_code, mobile…), or ""
	// when the fault concerns the whole row.
	Field string `json:"field"`
	// Value is the offending cell, cut to 200 characters.
	Value string `json:"value"`
	// Code is a stable identifier of the fault (required, invalid_mobile…),
	// for translation.
	Code string `json:"code"`
	// Message says what is wrong, in English.
	Message string `json:"message"`
}

// newRowError returns a RowError with the value shortened for the report.
func newRowError(line int, field, value, code, msg string) RowError {
	value = strings.ToValidUTF8(value, "\uFFFD")
	if utf8.RuneCountInString(value) > maxValueRunes {
		r := []rune(value)
		value = string(r[:maxValueRunes]) + "…"
	}
	return RowError{Line: line, Field: field, Value: value, Code: code, Message: msg}
}

// reject records a rejected row and its faults.
func (r *Report) reject(errs []RowError) {
	r.Failed++
	for _, e := range errs {
		if len(r.Errors) >= MaxErrors {
			return
		}
		r.Errors = append(r.Errors, e)
	}
}
