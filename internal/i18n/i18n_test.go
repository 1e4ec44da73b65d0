package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"touchbase/internal/model"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	zh, en := Keys(ZhCN), Keys(EN)
	for _, k := range zh {
		if !Has(EN, k) {
			t.Errorf("en lacks %q", k)
		}
	}
	for _, k := range en {
		if !Has(ZhCN, k) {
			t.Errorf("zh-CN lacks %q", k)
		}
	}
	if len(zh) < 50 {
		t.Errorf("only %d keys", len(zh))
	}
}

// TestOneWordForTopics: the admin-managed topics a rep ticks are 联系主题
// (topics) on every page, filter, export and message; the words they had
// before on some pages are gone.
func TestOneWordForTopics(t *testing.T) {
	for _, k := range Keys(ZhCN) {
		zh := T(ZhCN, k)
		for _, old := range []string{"勾选内容", "全部内容", "最近联系内容", "联系内容已", "编辑联系内容", "新建联系内容"} {
			if strings.Contains(zh, old) {
				t.Errorf("%s says %q; topics are 联系主题", k, zh)
			}
		}
		if strings.Contains(k, "topic") && strings.Contains(zh, "内容") {
			t.Errorf("%s names topics %q; topics are 联系主题", k, zh)
		}
	}
}

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*[dsvq]`)

func TestMessagesAreUsable(t *testing.T) {
	for _, k := range Keys(EN) {
		en, zh := T(EN, k), T(ZhCN, k)
		if strings.TrimSpace(en) == "" || strings.TrimSpace(zh) == "" {
			t.Errorf("%s: empty message", k)
		}
		ev, zv := verb.FindAllString(en, -1), verb.FindAllString(zh, -1)
		slices.Sort(ev)
		slices.Sort(zv)
		if !slices.Equal(ev, zv) {
			t.Errorf("%s: en has verbs %v, zh-CN %v", k, ev, zv)
		}
	}
}

func TestT(t *testing.T) {
	if got := T(EN, "pager.showing", "1,001", "1,050", "12,000"); got != "1,001–1,050 of 12,000" {
		t.Errorf("formatted message: %q", got)
	}
	if got := T("fr", "common.save"); got != T(ZhCN, "common.save") {
		t.Errorf("unknown language does not fall back to zh-CN: %q", got)
	}
	if got := T(EN, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct{ pref, accept, want string }{
		{"", "", ZhCN},
		{"en", "zh-CN", EN},
		{"zh-CN", "en", ZhCN},
		{"", "en-GB,en;q=0.9", EN},
		{"", "zh-TW,zh;q=0.9", ZhCN},
		{"", "ja, en;q=0.3", EN},
		{"", "de-DE", ZhCN},
		{"xx", "en", EN},
		{"", "garbage;;q=x", ZhCN},
	} {
		if got := Negotiate(tc.pref, tc.accept); got != tc.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", tc.pref, tc.accept, got, tc.want)
		}
	}
}

func TestFieldError(t *testing.T) {
	for _, tc := range []struct {
		fe         *model.FieldError
		lang, want string
	}{
		{model.NewFieldError("mobile", "invalid_mobile", "x"), EN, "This is not a valid mobile number."},
		{model.NewFieldError("mobile", "invalid_mobile", "x"), ZhCN, "手机号格式不正确。"},
		{model.NewFieldError("code", "taken", "x"), EN, "Another customer already has this code."},
		{model.NewFieldError("other", "taken", "x"), EN, "This is already taken."},
		{model.NewFieldError("x", "brand_new_code", "the English fallback"), ZhCN, "the English fallback"},
		{nil, EN, ""},
	} {
		if got := FieldError(tc.lang, tc.fe); got != tc.want {
			t.Errorf("FieldError(%s, %v) = %q, want %q", tc.lang, tc.fe, got, tc.want)
		}
	}
}
