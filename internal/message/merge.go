package message

import (
	"fmt"
	"html"
	"strings"
	"unicode/utf8"
)

// Data holds the values merge fields render from: the contact being
// contacted, their customer and the user (rep) sending.
type Data struct {
	ContactName   string
	ContactTitle  string
	ContactMobile string
	ContactEmail  string
	CustomerName  string
	CustomerCode  string
	UserName      string
	UserEmail     string
}

// Fields lists every merge field a template may use, as written between
// the braces.
func Fields() []string {
	return []string{
		"contact.name", "contact.title", "contact.mobile", "contact.email",
		"customer.name", "customer.code",
		"user.name", "user.email",
	}
}

// value returns the value of field in d and whether field exists.
func (d Data) value(field string) (string, bool) {
	switch field {
	case "contact.name":
		return d.ContactName, true
	case "contact.title":
		return d.ContactTitle, true
	case "contact.mobile":
		return d.ContactMobile, true
	case "contact.email":
		return d.ContactEmail, true
	case "customer.name":
		return d.CustomerName, true
	case "customer.code":
		return d.CustomerCode, true
	case "user.name":
		return d.UserName, true
	case "user.email":
		return d.UserEmail, true
	}
	return "", false
}

// TemplateError reports a malformed template, with the position of the
// offending field.
type TemplateError struct {
	// Field is the field as written between the braces (trimmed); empty
	// for an unclosed or empty field.
	Field string
	// Line and Column (in characters) are 1-based; Offset is in bytes.
	Line, Column, Offset int
	// Problem says what is wrong.
	Problem string
}

// Error implements error.
func (e *TemplateError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("line %d, column %d: %s {{%s}}", e.Line, e.Column, e.Problem, e.Field)
	}
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Problem)
}

// Template is a parsed merge template, ready to render for many
// recipients.
type Template struct {
	parts []part
}

// part is literal text, or a field with the text used when its value is
// empty.
type part struct {
	text     string
	field    string
	fallback string
}

// Parse parses src. A field is written {{name}} or {{name|fallback}},
// where fallback is inserted when the value is empty (e.g.
// {{contact.name|客户}}); spaces around name and fallback are ignored.
// Unknown fields, empty fields and "{{" without "}}" are errors. Text
// outside fields is kept as is.
func Parse(src string) (*Template, error) {
	t := &Template{}
	rest, offset := src, 0
	for {
		open := strings.Index(rest, "{{")
		if open < 0 {
			if rest != "" {
				t.parts = append(t.parts, part{text: rest})
			}
			return t, nil
		}
		if open > 0 {
			t.parts = append(t.parts, part{text: rest[:open]})
		}
		start := offset + open
		inner := rest[open+2:]
		end := strings.Index(inner, "}}")
		if end < 0 {
			return nil, newTemplateError(src, start, "", "unclosed merge field: missing }}")
		}
		body := inner[:end]
		if i := strings.Index(body, "{{"); i >= 0 {
			return nil, newTemplateError(src, start, "", "unclosed merge field: missing }}")
		}
		name, fallback, _ := strings.Cut(body, "|")
		name, fallback = strings.TrimSpace(name), strings.TrimSpace(fallback)
		if name == "" {
			return nil, newTemplateError(src, start, "", "empty merge field")
		}
		if _, ok := (Data{}).value(name); !ok {
			return nil, newTemplateError(src, start, strings.TrimSpace(body), "unknown merge field")
		}
		t.parts = append(t.parts, part{field: name, fallback: fallback})
		consumed := open + 2 + end + 2
		rest, offset = rest[consumed:], offset+consumed
	}
}

// newTemplateError locates byte offset off in src.
func newTemplateError(src string, off int, field, problem string) *TemplateError {
	before := src[:off]
	line := strings.Count(before, "\n") + 1
	col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	return &TemplateError{Field: field, Line: line, Column: col, Offset: off, Problem: problem}
}

// Validate reports whether src is a valid template, as Parse does.
func Validate(src string) error {
	_, err := Parse(src)
	return err
}

// Render renders src with d as plain text (SMS, email subject, text part).
func Render(src string, d Data) (string, error) {
	t, err := Parse(src)
	if err != nil {
		return "", err
	}
	return t.Execute(d), nil
}

// RenderHTML renders src, an HTML email body written by a user, with d:
// the inserted values and fallbacks are HTML-escaped, the template's own
// markup is kept.
func RenderHTML(src string, d Data) (string, error) {
	t, err := Parse(src)
	if err != nil {
		return "", err
	}
	return t.ExecuteHTML(d), nil
}

// Execute renders t with d as plain text.
func (t *Template) Execute(d Data) string { return t.execute(d, false) }

// ExecuteHTML renders t with d, HTML-escaping the inserted values.
func (t *Template) ExecuteHTML(d Data) string { return t.execute(d, true) }

func (t *Template) execute(d Data, escape bool) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.field == "" {
			b.WriteString(p.text)
			continue
		}
		v, _ := d.value(p.field)
		if v == "" {
			v = p.fallback
		}
		if escape {
			v = html.EscapeString(v)
		}
		b.WriteString(v)
	}
	return b.String()
}

// Fields returns the fields t uses, each once, in order of first use.
func (t *Template) Fields() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range t.parts {
		if p.field != "" && !seen[p.field] {
			seen[p.field] = true
			out = append(out, p.field)
		}
	}
	return out
}

// TextToHTML turns a plain-text e-mail body into escaped HTML paragraphs:
// blank lines separate paragraphs, single newlines become <br>.
func TextToHTML(text string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>"))
		b.WriteString("</p>\n")
	}
	return b.String()
}
