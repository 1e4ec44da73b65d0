package importer

import (
	"fmt"
	"strings"

	"touchbase/internal/csvexport"
	"touchbase/internal/model"
)

// column is one field the importer understands.
type column int

// The columns, customer fields first.
const (
	colCode column = iota
	colName
	colLevel
	colIndustry
	colAddress
	colNotes
	colRep
	colDoNotContact
	colContactName
	colContactTitle
	colMobile
	colEmail
	colWeCom
	colOptOutSMS
	colOptOutEmail
	colPrimary
	numColumns
)

// columnNames are the canonical (English) header names, used in reports.
var columnNames = [numColumns]string{
	"customer_code", "customer_name", "level", "industry", "address", "notes", "rep", "do_not_contact",
	"contact_name", "contact_title", "mobile", "email", "wecom_id", "opt_out_sms", "opt_out_email", "primary",
}

// chineseNames are the Chinese headers, as the UI's export writes them.
var chineseNames = [numColumns]string{
	"客户编码", "客户名称", "客户等级", "行业", "地址", "备注", "专属客服", "勿扰",
	"联系人", "职务", "手机", "邮箱", "企业微信", "退订短信", "退订邮件", "主联系人",
}

// extraNames are further spellings people use in their own sheets.
var extraNames = map[string]column{
	"客户编号": colCode, "客户代码": colCode,
	"客户名": colName, "等级": colLevel, "所属行业": colIndustry,
	"联系人姓名": colContactName, "职位": colContactTitle,
	"手机号": colMobile, "手机号码": colMobile,
	"电子邮件": colEmail, "邮件": colEmail, "e-mail": colEmail,
	"企业微信id": colWeCom, "is_primary": colPrimary,
}

// headerIndex maps every known spelling, normalised, to its column.
var headerIndex = func() map[string]column {
	m := make(map[string]column)
	for c := range numColumns {
		m[normalizeHeader(columnNames[c])] = c
		m[normalizeHeader(chineseNames[c])] = c
	}
	for name, c := range extraNames {
		m[normalizeHeader(name)] = c
	}
	return m
}()

// normalizeHeader folds case, spaces and dashes, and drops the "*" that
// import templates put on required columns.
func normalizeHeader(h string) string {
	h = strings.TrimPrefix(h, "\uFEFF")
	h = strings.TrimSpace(h)
	h = strings.TrimRight(h, "*＊ ")
	h = strings.TrimLeft(h, "*＊ ")
	h = strings.ToLower(h)
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

// isCustomerColumn reports whether c belongs to the customer (not the
// contact) part of a row.
func (c column) isCustomerColumn() bool { return c < colContactName }

// String returns the canonical name.
func (c column) String() string { return columnNames[c] }

// layout says which field of a record holds each column (-1: absent).
type layout struct {
	index [numColumns]int
	// contactCols lists the contact columns present, to tell whether a row
	// carries a contact at all.
	contactCols []column
}

// has reports whether the file has column c.
func (l *layout) has(c column) bool { return l.index[c] >= 0 }

// cell returns the value of column c in rec, "" when absent.
func (l *layout) cell(rec []string, c column) string {
	i := l.index[c]
	if i < 0 || i >= len(rec) {
		return ""
	}
	// A number or text that starts like a formula comes back from a
	// Touchbase export with a quote in front (csvexport).
	return csvexport.Uncell(rec[i])
}

// parseHeader maps a header record to a layout. Unknown columns come back
// as warnings; a missing customer code column or a column given twice is
// an error.
func parseHeader(header []string, line int) (*layout, []RowError, error) {
	l := &layout{}
	for c := range l.index {
		l.index[c] = -1
	}
	var warnings []RowError
	for i, h := range header {
		key := normalizeHeader(h)
		if key == "" {
			continue
		}
		c, ok := headerIndex[key]
		if !ok {
			warnings = append(warnings, newRowError(line, "", h, "unknown_column", "unknown column, ignored"))
			continue
		}
		if l.index[c] >= 0 {
			return nil, nil, fileError(c.String(), "duplicate_column",
				fmt.Sprintf("column %s (%s) appears twice in the header", c, chineseNames[c]))
		}
		l.index[c] = i
		if !c.isCustomerColumn() {
			l.contactCols = append(l.contactCols, c)
		}
	}
	if !l.has(colCode) {
		return nil, nil, fileError(colCode.String(), "missing_column",
			fmt.Sprintf("the header has no %s (%s) column", colCode, chineseNames[colCode]))
	}
	return l, warnings, nil
}

// findsCode reports whether a header names the customer code column; it
// tells which separator a file uses.
func findsCode(header []string) bool {
	for _, h := range header {
		if c, ok := headerIndex[normalizeHeader(h)]; ok && c == colCode {
			return true
		}
	}
	return false
}

// fileError is an error about the whole file, which handlers show as a
// 400 naming the column.
func fileError(field, code, msg string) error {
	return fmt.Errorf("import: %w", model.NewFieldError(field, code, msg))
}
