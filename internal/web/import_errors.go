package web

import (
	"touchbase/internal/i18n"
	"touchbase/internal/importer"
	"touchbase/internal/model"
)

// rowErrorText translates the fault of one import row.
func rowErrorText(lang string, e importer.RowError) string {
	return i18n.FieldError(lang, &model.FieldError{Field: e.Field, Code: e.Code, Message: e.Message})
}

// columnLabel names an import column as its header is written in lang.
func columnLabel(lang, field string) string {
	if field == "" {
		return ""
	}
	if key := "import.col." + field; i18n.Has(lang, key) {
		return i18n.T(lang, key)
	}
	return field
}
