package i18n

import "touchbase/internal/model"

// FieldError translates a validation failure. A message for the field and
// code ("error.mobile.invalid_mobile") wins over one for the code alone
// ("error.invalid_mobile"); when neither exists the English message of the
// error is used.
func FieldError(lang string, fe *model.FieldError) string {
	if fe == nil {
		return ""
	}
	for _, key := range []string{"error." + fe.Field + "." + fe.Code, "error." + fe.Code} {
		if Has(lang, key) {
			return T(lang, key)
		}
	}
	return fe.Message
}
