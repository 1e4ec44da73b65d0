package contact

import (
	"net/mail"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"touchbase/internal/model"
)

// NormalizeMobile parses a mobile number written the way people write them
// (spaces, dashes, a leading +86 or none) and returns it in E.164, using
// region as the default country. An empty input returns "".
func NormalizeMobile(raw, region string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	if region == "" {
		region = "CN"
	}
	num, err := phonenumbers.Parse(raw, strings.ToUpper(region))
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", model.NewFieldError("mobile", "invalid_mobile", "not a valid mobile number: "+raw)
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
	default:
		return "", model.NewFieldError("mobile", "not_mobile", "not a mobile number: "+raw)
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// NormalizeEmail checks a bare e-mail address and returns it trimmed with a
// lower-cased domain. An empty input returns "".
func NormalizeEmail(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	addr, err := mail.ParseAddress(raw)
	if err != nil || addr.Address != raw || addr.Name != "" {
		return "", model.NewFieldError("email", "invalid_email", "not a valid e-mail address: "+raw)
	}
	at := strings.LastIndexByte(raw, '@')
	if at < 1 || !strings.Contains(raw[at:], ".") {
		return "", model.NewFieldError("email", "invalid_email", "not a valid e-mail address: "+raw)
	}
	return raw[:at] + strings.ToLower(raw[at:]), nil
}

// ValidateCustomer trims and checks a customer's fields.
func ValidateCustomer(c *model.Customer) error {
	c.Code = strings.TrimSpace(c.Code)
	c.Name = strings.TrimSpace(c.Name)
	c.Level = strings.TrimSpace(c.Level)
	c.Industry = strings.TrimSpace(c.Industry)
	c.Address = strings.TrimSpace(c.Address)
	var errs model.ValidationErrors
	errs.Text("name", c.Name, true, 200)
	errs.Text("code", c.Code, false, 64)
	errs.Text("level", c.Level, false, 32)
	errs.Text("industry", c.Industry, false, 100)
	errs.Text("address", c.Address, false, 500)
	errs.Text("notes", c.Notes, false, 5000)
	return errs.Err()
}

// ValidateContact trims, checks and normalises a contact's fields: the
// mobile becomes E.164 (parsed against region), the e-mail is checked.
func ValidateContact(ct *model.Contact, region string) error {
	ct.Name = strings.TrimSpace(ct.Name)
	ct.Title = strings.TrimSpace(ct.Title)
	ct.WeComID = strings.TrimSpace(ct.WeComID)
	var errs model.ValidationErrors
	errs.Text("name", ct.Name, true, 100)
	errs.Text("title", ct.Title, false, 100)
	errs.Text("wecom_id", ct.WeComID, false, 64)
	if m, err := NormalizeMobile(ct.Mobile, region); err != nil {
		errs = append(errs, err.(*model.FieldError))
	} else {
		ct.Mobile = m
	}
	if e, err := NormalizeEmail(ct.Email); err != nil {
		errs = append(errs, err.(*model.FieldError))
	} else if len(e) > 254 {
		errs.Add("email", "too_long", "email is too long")
	} else {
		ct.Email = e
	}
	return errs.Err()
}
