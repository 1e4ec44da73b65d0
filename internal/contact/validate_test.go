package contact

import (
	"strings"
	"testing"

	"touchbase/internal/model"
)

func TestNormalizeMobile(t *testing.T) {
	cases := []struct {
		raw, region, want, code string
	}{
		{"13812345678", "CN", "+8613812345678", ""},
		{"138 1234 5678", "CN", "+8613812345678", ""},
		{"+86 138-1234-5678", "", "+8613812345678", ""},
		{"008613812345678", "CN", "+8613812345678", ""},
		{"+1 415 555 2671", "CN", "+14155552671", ""},
		{"(415) 555-2671", "US", "+14155552671", ""},
		{"", "CN", "", ""},
		{"12345", "CN", "", "invalid_mobile"},
		{"abc", "CN", "", "invalid_mobile"},
		{"1381234567", "CN", "", "invalid_mobile"},
		{"010 6552 9988", "CN", "", "not_mobile"}, // Beijing landline
	}
	for _, c := range cases {
		got, err := NormalizeMobile(c.raw, c.region)
		if c.code == "" {
			if err != nil || got != c.want {
				t.Errorf("NormalizeMobile(%q, %q) = %q, %v; want %q", c.raw, c.region, got, err, c.want)
			}
			continue
		}
		fe, ok := err.(*model.FieldError)
		if !ok || fe.Code != c.code || fe.Field != "mobile" {
			t.Errorf("NormalizeMobile(%q) err = %v, want code %s on field mobile", c.raw, err, c.code)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	good := map[string]string{
		"li.lei@Example.COM":   "li.lei@example.com",
		" wang@corp.cn ":       "wang@corp.cn",
		"a+tag@sub.example.io": "a+tag@sub.example.io",
		"":                     "",
	}
	for in, want := range good {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"plain", "a@b", "Li Lei <li@example.com>", "@example.com", "li@", "a b@example.com"} {
		if _, err := NormalizeEmail(bad); err == nil {
			t.Errorf("NormalizeEmail(%q) accepted a bad address", bad)
		}
	}
}

func TestValidateContactNamesFields(t *testing.T) {
	ct := &model.Contact{Name: "  ", Mobile: "999", Email: "nope"}
	err := ValidateContact(ct, "CN")
	ve, ok := model.AsValidation(err)
	if !ok {
		t.Fatalf("want validation errors, got %v", err)
	}
	for _, f := range []string{"name", "mobile", "email"} {
		if ve.For(f) == nil {
			t.Errorf("no error for field %s in %v", f, ve)
		}
	}
}

func FuzzNormalizeMobile(f *testing.F) {
	for _, s := range []string{"13812345678", "+8613812345678", "++", "(415) 555-2671", "\x00", "１３８１２３４５６７８"} {
		f.Add(s, "CN")
	}
	f.Fuzz(func(t *testing.T, raw, region string) {
		got, err := NormalizeMobile(raw, region)
		if err == nil && got != "" {
			again, err2 := NormalizeMobile(got, region)
			if err2 != nil || again != got {
				t.Fatalf("E.164 %q does not normalise to itself: %q, %v", got, again, err2)
			}
		}
	})
}

func TestValidateCustomerRejectsControlAndLongText(t *testing.T) {
	c := &model.Customer{Name: "A\x00B", Code: strings.Repeat("x", 65), Notes: "\xff"}
	ve, ok := model.AsValidation(ValidateCustomer(c))
	if !ok {
		t.Fatal("want validation errors")
	}
	for field, code := range map[string]string{"name": "invalid_text", "code": "too_long", "notes": "invalid_text"} {
		if e := ve.For(field); e == nil || e.Code != code {
			t.Errorf("%s: got %v, want code %s", field, e, code)
		}
	}
}
