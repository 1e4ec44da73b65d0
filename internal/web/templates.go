package web

import (
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"touchbase/internal/bulk"
	"touchbase/internal/i18n"
	"touchbase/internal/importer"
	"touchbase/internal/model"
)

// templates holds, for every language, one template set per page: the
// layout and the partials plus the page's own file. Each set is parsed with
// functions bound to its language, so templates just write {{t "key"}}.
type templates struct {
	pages     map[string]map[string]*template.Template // lang → page file name → set
	fragments map[string]*template.Template            // lang → layout and partials only
}

func parseTemplates(fsys fs.FS, as *assets) (*templates, error) {
	pages, err := fs.Glob(fsys, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	ts := &templates{pages: map[string]map[string]*template.Template{}, fragments: map[string]*template.Template{}}
	for _, lang := range i18n.Languages {
		base, err := template.New("").Funcs(funcs(lang, as)).ParseFS(fsys, "templates/layout.html", "templates/partials/*.html")
		if err != nil {
			return nil, err
		}
		ts.fragments[lang] = base
		ts.pages[lang] = map[string]*template.Template{}
		for _, p := range pages {
			set, err := template.Must(base.Clone()).ParseFS(fsys, p)
			if err != nil {
				return nil, err
			}
			ts.pages[lang][path.Base(p)] = set
		}
	}
	return ts, nil
}

// funcs returns the template functions for one language.
func funcs(lang string, as *assets) template.FuncMap {
	return template.FuncMap{
		"t":     func(key string, args ...any) string { return i18n.T(lang, key, args...) },
		"lang":  func() string { return lang },
		"asset": as.URL,
		"ferr": func(errs model.ValidationErrors, field string) string {
			return i18n.FieldError(lang, errs.For(field))
		},
		"field": func(name, label, value string, errs model.ValidationErrors, required bool) formField {
			return formField{Name: name, Label: label, Value: value, Required: required, Type: "text",
				Error: i18n.FieldError(lang, errs.For(name))}
		},
		"fieldType": func(name, label, value string, errs model.ValidationErrors, required bool, typ, hint string) formField {
			return formField{Name: name, Label: label, Value: value, Required: required, Type: typ, Hint: hint,
				Error: i18n.FieldError(lang, errs.For(name))}
		},
		"rowError": func(e importer.RowError) string { return rowErrorText(lang, e) },
		"column":   func(field string) string { return columnLabel(lang, field) },
		"topic":    func(t *model.Topic) string { return t.Label(lang) },
		"datetime": formatTime,
		"optOut": func(at *time.Time, source string, loc *time.Location) string {
			return optOutNote(lang, at, source, loc)
		},
		"timezones": timezoneChoices,
		"phone":     formatPhone,
		"join":      strings.Join,
		"isID":      func(p *int64, id int64) bool { return p != nil && *p == id },
		"sortCol": func(q listQuery, col, label string, num bool) sortColumn {
			return sortColumn{Q: q, Col: col, Label: label, Num: num}
		},
		"relations": func(card peopleCard, kind string) relationList {
			l := relationList{Card: card, Kind: kind}
			for _, r := range card.Relations {
				if string(r.Kind) == kind {
					l.Relations = append(l.Relations, r)
				}
			}
			return l
		},
		"smsPickArgs": func(p *smsPick, errs model.ValidationErrors, method, action, target, tplField, paramsField string) smsPickView {
			return smsPickView{Pick: p, Errors: errs, Post: method == http.MethodPost, Action: action, Target: target,
				TemplateField: tplField, ParamsField: paramsField}
		},
		"reason":     func(code string) string { return bulk.ReasonText(code, lang) },
		"mergeToken": func(field string) string { return "{{" + field + "}}" },
		"hasID":      slices.Contains[[]int64],
		"list":       func(s ...string) []string { return s },
		"iso":        func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"excerpt":    excerpt,
		"num":        formatInt,
		"inc":        func(n int) int { return n + 1 },
		"dec":        func(n int) int { return n - 1 },
		"bulkReason": func(kind, code string) string { return bulkReasonText(lang, kind, code) },
		"notificationItem": func(n *model.Notification, list notificationListData) notificationItem {
			return notificationItem{N: n, List: list}
		},
		"planState":  func(p *model.Plan) string { return planState(p, time.Now()) },
		"remindText": func(minutes *int) string { return remindText(lang, minutes) },
		"recurrence": func(rule string, loc *time.Location) string { return recurrenceText(lang, rule, loc) },
		"clock":      func(t time.Time, loc *time.Location) string { return t.In(loc).Format("15:04") },
		// heldTime says when held recipients go out: the time of day
		// within a day, else the date and time.
		"heldTime": func(t *time.Time, loc *time.Location) string {
			if t == nil {
				return ""
			}
			if time.Until(*t) < 24*time.Hour {
				return t.In(loc).Format("15:04")
			}
			return formatTime(*t, loc)
		},
		"tokenTable": func(tokens []*model.APIToken, csrf string, loc *time.Location, revoke bool) tokenTable {
			return tokenTable{Tokens: tokens, CSRF: csrf, Loc: loc, Revoke: revoke}
		},
		"initial": func(s string) string {
			r, _ := utf8.DecodeRuneInString(s)
			return string(r)
		},
	}
}

// formatTime shows a time in loc as "2006-01-02 15:04"; a nil or zero
// time shows a dash.
func formatTime(v any, loc *time.Location) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x != nil {
			t = *x
		}
	default:
		return fmt.Sprint(v)
	}
	if t.IsZero() {
		return "—"
	}
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// sortColumn is the data of the "sort_th" template: a sortable header.
type sortColumn struct {
	Q     listQuery
	Col   string
	Label string
	Num   bool
}

// formField is the data of the "text_field" and "textarea_field"
// templates: one labelled input with its translated error.
type formField struct {
	Name, Label, Value string
	Type, Hint, Error  string
	Required, Full     bool
}

// relationList is the data of the "relation_list" template: the relations
// of one kind on a people card.
type relationList struct {
	Card      peopleCard
	Kind      string
	Relations []*model.Relation
}

// formatPhone shows an E.164 number the way people read it
// ("+86 138 1234 5678"); anything else is shown as stored.
func formatPhone(e164 string) string {
	if e164 == "" {
		return ""
	}
	n, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return e164
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}

// excerpt shortens text to at most n characters on one line, with an
// ellipsis when cut.
func excerpt(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	return string([]rune(text)[:n]) + "…"
}
