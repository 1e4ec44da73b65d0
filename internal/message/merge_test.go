package message

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

var testData = Data{
	ContactName: "张三", ContactTitle: "采购经理", ContactMobile: "+8613800138000", ContactEmail: "zs@example.cn",
	CustomerName: "Acme <Tools> & Co", CustomerCode: "C-001", UserName: "李雷", UserEmail: "lilei@touchbase.example",
}

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		src, want string
	}{
		{"", ""},
		{"no fields", "no fields"},
		{"{{contact.name}}", "张三"},
		{"{{ contact.name }}{{contact.title}}，您好", "张三采购经理，您好"},
		{"{{customer.name}} ({{customer.code}})", "Acme <Tools> & Co (C-001)"},
		{"{{contact.mobile}} {{contact.email}} {{user.name}} {{user.email}}", "+8613800138000 zs@example.cn 李雷 lilei@touchbase.example"},
		{"single { and } braces, }} alone", "single { and } braces, }} alone"},
		{"line1\n{{user.name}}", "line1\n李雷"},
		{"{{contact.name|客户}}", "张三"},
	} {
		got, err := Render(tc.src, testData)
		if err != nil || got != tc.want {
			t.Errorf("Render(%q) = %q, %v; want %q", tc.src, got, err, tc.want)
		}
	}
}

func TestRenderFallback(t *testing.T) {
	got, err := Render("尊敬的{{ contact.name | 客户 }}：{{contact.title|}}好", Data{})
	if err != nil || got != "尊敬的客户：好" {
		t.Errorf("got %q, %v", got, err)
	}
}

func TestRenderHTMLEscapesValuesOnly(t *testing.T) {
	d := testData
	d.ContactName = `<script>alert("x")</script>`
	got, err := RenderHTML(`<p>Dear {{contact.name}} of {{customer.name}}, {{contact.title|<i>friend</i>}}</p>`, d)
	want := `<p>Dear &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; of Acme &lt;Tools&gt; &amp; Co, 采购经理</p>`
	if err != nil || got != want {
		t.Errorf("got  %s\nwant %s (%v)", got, want, err)
	}
	got, _ = RenderHTML(`{{contact.title|<i>friend</i>}}`, Data{})
	if got != "&lt;i&gt;friend&lt;/i&gt;" {
		t.Errorf("fallback not escaped: %s", got)
	}
	plain, _ := Render(`{{contact.name}}`, d)
	if plain != d.ContactName {
		t.Errorf("plain text must not be escaped: %s", plain)
	}
}

func TestValidateErrors(t *testing.T) {
	for _, tc := range []struct {
		src          string
		field        string
		line, column int
		offset       int
		problem      string
	}{
		{"Hi {{contact.nmae}}", "contact.nmae", 1, 4, 3, "unknown merge field"},
		{"第一行\n您好 {{ customer.id }}!", "customer.id", 2, 4, 17, "unknown merge field"},
		{"{{user.name}} {{ }}", "", 1, 15, 14, "empty merge field"},
		{"ok {{contact.name", "", 1, 4, 3, "unclosed merge field: missing }}"},
		{"{{ {{contact.name}}", "", 1, 1, 0, "unclosed merge field: missing }}"},
		{"{{.}}", ".", 1, 1, 0, "unknown merge field"},
		{"{{printf \"%s\" 1}}", `printf "%s" 1`, 1, 1, 0, "unknown merge field"},
		{"{{ |x}}", "", 1, 1, 0, "empty merge field"},
		{"{{CONTACT.NAME}}", "CONTACT.NAME", 1, 1, 0, "unknown merge field"},
	} {
		err := Validate(tc.src)
		var te *TemplateError
		if !errors.As(err, &te) {
			t.Errorf("Validate(%q) = %v, want a *TemplateError", tc.src, err)
			continue
		}
		if te.Field != tc.field || te.Line != tc.line || te.Column != tc.column || te.Offset != tc.offset || te.Problem != tc.problem {
			t.Errorf("Validate(%q) = %+v", tc.src, *te)
		}
		if _, err := Render(tc.src, testData); err == nil {
			t.Errorf("Render(%q) succeeded", tc.src)
		}
	}
	err := Validate("Hi {{contact.nmae}}")
	if got := err.Error(); got != "line 1, column 4: unknown merge field {{contact.nmae}}" {
		t.Errorf("message = %q", got)
	}
}

func TestTemplateFields(t *testing.T) {
	tpl, err := Parse("{{user.name}} {{contact.name}} {{user.name|x}} {{customer.code}}")
	if err != nil {
		t.Fatal(err)
	}
	if got := tpl.Fields(); !reflect.DeepEqual(got, []string{"user.name", "contact.name", "customer.code"}) {
		t.Errorf("Fields = %v", got)
	}
	for _, f := range Fields() {
		if err := Validate("{{" + f + "}}"); err != nil {
			t.Errorf("listed field %s is rejected: %v", f, err)
		}
	}
}

func TestTemplateReuse(t *testing.T) {
	tpl, err := Parse("{{contact.name}}/{{customer.code}}")
	if err != nil {
		t.Fatal(err)
	}
	a := tpl.Execute(Data{ContactName: "A", CustomerCode: "1"})
	b := tpl.Execute(Data{ContactName: "B", CustomerCode: "2"})
	if a != "A/1" || b != "B/2" {
		t.Errorf("got %q, %q", a, b)
	}
}

// FuzzParse checks that any input either parses and renders consistently
// or fails with a well-placed *TemplateError, without panicking.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "plain", "{{contact.name}}", "{{contact.name|客户}}", "{{", "}}", "{{}}",
		"{{ {{user.name}}", "{{unknown}}", "a\n{{user.name}}\n{{x", "{{{contact.name}}}", "\xff{{user.email}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := Parse(src)
		if err != nil {
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("error %v is not a *TemplateError", err)
			}
			if te.Line < 1 || te.Column < 1 || te.Offset < 0 || te.Offset >= len(src) || !strings.HasPrefix(src[te.Offset:], "{{") {
				t.Fatalf("bad position %+v in %q", *te, src)
			}
			if Validate(src) == nil {
				t.Fatal("Validate disagrees with Parse")
			}
			return
		}
		if !strings.Contains(src, "{{") && tpl.Execute(testData) != src {
			t.Fatal("text without fields must render unchanged")
		}
		out, err := Render(src, testData)
		if err != nil || out != tpl.Execute(testData) || out != tpl.Execute(testData) {
			t.Fatal("unstable rendering")
		}
		if empty := tpl.Execute(Data{}); len(empty) > len(src) {
			t.Fatalf("rendering with empty data grew the text: %q -> %q", src, empty)
		}
		for _, f := range tpl.Fields() {
			if _, ok := (Data{}).value(f); !ok {
				t.Fatalf("parsed unknown field %q", f)
			}
		}
		if _, err := RenderHTML(src, testData); err != nil {
			t.Fatal(err)
		}
	})
}
