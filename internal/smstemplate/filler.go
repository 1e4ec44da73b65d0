package smstemplate

import (
	"cmp"
	"strings"

	"touchbase/internal/message"
	"touchbase/internal/model"
)

// Limits of the values a rep fills: how many, and how long each.
const (
	MaxParams = 20
	MaxParam  = 100
)

// Filler fills one template for many recipients: per variable its merge
// field, constant or the rep's value.
type Filler struct {
	code     string
	provider string
	content  string
	sign     string
	vars     []string
	fixed    map[string]string            // constants and rep values
	merged   map[string]*message.Template // merge fields
}

// NewFiller prepares t, sent under sign (the template's own signature, else
// the channel's), with the values the rep filled (by variable). A rep
// variable left empty, or an unknown variable given, is an error naming
// field + "." + the variable.
func NewFiller(t *model.SMSTemplate, sign string, rep map[string]string, field string) (*Filler, error) {
	return newFiller(t, sign, rep, field, false)
}

// NewPreviewFiller is NewFiller for a preview of a form still being
// filled: a rep variable left empty shows as its label in brackets.
func NewPreviewFiller(t *model.SMSTemplate, sign string, rep map[string]string, field string) (*Filler, error) {
	return newFiller(t, sign, rep, field, true)
}

func newFiller(t *model.SMSTemplate, sign string, rep map[string]string, field string, preview bool) (*Filler, error) {
	if t.SignName != "" {
		sign = t.SignName
	}
	f := &Filler{code: t.Code, provider: t.Provider, content: t.Content, sign: sign, vars: Variables(t.Provider, t.Content),
		fixed: map[string]string{}, merged: map[string]*message.Template{}}
	var errs model.ValidationErrors
	known := map[string]bool{}
	for _, v := range f.vars {
		known[v] = true
		src := t.Variables[v]
		switch src.Source {
		case model.VarMerge:
			tpl, err := message.Parse("{{" + src.Field + "}}")
			if err != nil {
				errs.Add(field+"."+v, "template_mapping", "the variable maps to an unknown merge field "+src.Field)
				continue
			}
			f.merged[v] = tpl
		case model.VarConstant:
			f.fixed[v] = src.Value
		default: // filled by the rep
			val := strings.TrimSpace(rep[v])
			if val == "" && preview {
				val = "［" + cmp.Or(src.Label, v) + "］"
			}
			if errs.Text(field+"."+v, val, true, MaxParam); errs.For(field+"."+v) != nil {
				continue
			}
			f.fixed[v] = val
		}
	}
	if len(rep) > MaxParams {
		errs.Add(field, "too_many", "at most 20 values")
	}
	for v := range rep {
		if !known[v] {
			errs.Add(field+"."+v, "unknown_variable", "the template has no variable "+v)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// Code is the provider's code of the template.
func (f *Filler) Code() string { return f.code }

// Sign is the signature the messages go out under.
func (f *Filler) Sign() string { return f.sign }

// Fill returns the template parameters for one recipient and the text its
// phone shows (signature included).
func (f *Filler) Fill(d message.Data) (map[string]string, string) {
	params := make(map[string]string, len(f.vars))
	for _, v := range f.vars {
		if tpl, ok := f.merged[v]; ok {
			params[v] = tpl.Execute(d)
		} else {
			params[v] = f.fixed[v]
		}
	}
	return params, Signed(f.sign, fill(f.provider, f.content, params))
}
