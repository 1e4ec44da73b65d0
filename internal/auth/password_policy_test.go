package auth_test

import (
	"errors"
	"testing"

	"touchbase/internal/auth"
	"touchbase/internal/model"
)

func TestCheckNewPassword(t *testing.T) {
	for _, tc := range []struct {
		username, password, code string
	}{
		{"wang", "short", "too_short"},
		{"wang", "1234567", "too_short"},
		{"wang", "password", "common_password"},
		{"wang", "PassWord123", "common_password"}, // any case
		{"wang", "12345678", "common_password"},
		{"wang", "woaini1314", "common_password"}, // from the Chinese list
		{"wang", "QQ123456", "common_password"},   // from the Chinese list, any case
		{"wang", "qwertyuiop", "common_password"}, // from the ten-million list
		{"wangfang", "wangfang", "same_as_username"},
		{"WangFang", "wANGfANG", "same_as_username"},
		{"wangfang", "gnafgnaw", "same_as_username"},
		{"wangfang", "WangFang2024", "same_as_username"},
		{"li.lei", "li.lei.88", ""},     // a dot after the name: not only digits
		{"wangfang", "wangfang-x1", ""}, // more than digits after the name
		{"wangfang", "tea-and-3-cats", ""},
		{"wang", "长城长城长城长城", ""},
		{"", "Correct horse 9", ""},
	} {
		err := auth.CheckNewPassword(tc.username, tc.password)
		var fe *model.FieldError
		switch {
		case tc.code == "" && err != nil:
			t.Errorf("%q / %q refused: %v", tc.username, tc.password, err)
		case tc.code != "" && (!errors.As(err, &fe) || fe.Field != "password" || fe.Code != tc.code):
			t.Errorf("%q / %q: %v, want password/%s", tc.username, tc.password, err, tc.code)
		}
	}
}

func TestCommonPasswordList(t *testing.T) {
	for _, pw := range []string{"iloveyou", "baseball", "sunshine", "1qaz2wsx", "88888888", "5201314520", "aptx4869",
		"zhangwei", "password1", "qwerty123"} {
		if !auth.IsCommonPassword(pw) {
			t.Errorf("%q is not on the list", pw)
		}
	}
	// Entries shorter than the minimum were left out: the length check
	// refuses them anyway.
	if auth.IsCommonPassword("123456") {
		t.Error("a password under the minimum length is on the list")
	}
	if auth.IsCommonPassword("") || auth.IsCommonPassword("tea-and-3-cats") {
		t.Error("an uncommon password is on the list")
	}
}
