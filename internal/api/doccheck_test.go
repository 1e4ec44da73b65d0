package api

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// apiDoc is the served OpenAPI document, parsed, with a mux that tells
// which documented operation a request is.
type apiDoc struct {
	raw     map[string]any
	schemas map[string]any
	mux     *http.ServeMux
}

var loadDoc = sync.OnceValue(func() *apiDoc {
	var raw map[string]any
	if err := json.Unmarshal(openAPIJSON(), &raw); err != nil {
		panic(err)
	}
	d := &apiDoc{raw: raw, schemas: raw["components"].(map[string]any)["schemas"].(map[string]any), mux: http.NewServeMux()}
	for path, item := range raw["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			d.mux.HandleFunc(strings.ToUpper(method)+" "+Prefix+path, func(http.ResponseWriter, *http.Request) {})
		}
	}
	return d
})

// operation returns the documented operation of a request, or nil.
func (d *apiDoc) operation(r *http.Request) (map[string]any, string) {
	_, pattern := d.mux.Handler(r)
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		return nil, ""
	}
	path = strings.TrimPrefix(path, Prefix)
	return d.raw["paths"].(map[string]any)[path].(map[string]any)[strings.ToLower(method)].(map[string]any), method + " " + path
}

// checkAgainstDoc fails t when an answer's status is not documented for its
// operation or its body does not match the documented schema.
func checkAgainstDoc(t testing.TB, r *http.Request, out *resp) {
	t.Helper()
	d := loadDoc()
	op, name := d.operation(r)
	if op == nil {
		if out.status < 400 {
			t.Errorf("%s %s answered %d but is not documented", r.Method, r.URL.Path, out.status)
		}
		d.checkBody(t, r.Method+" "+r.URL.Path, map[string]any{"$ref": "#/components/schemas/Error"}, out)
		return
	}
	responses := op["responses"].(map[string]any)
	doc, ok := responses[strconv.Itoa(out.status)].(map[string]any)
	if !ok {
		if out.status != http.StatusInternalServerError {
			t.Errorf("%s answered %d, not documented (documented: %v)", name, out.status, keys(responses))
		}
		doc = responses["default"].(map[string]any)
	}
	content, _ := doc["content"].(map[string]any)
	if content == nil {
		if len(out.body) != 0 {
			t.Errorf("%s answered %d with a body, documented without: %s", name, out.status, out.body)
		}
		return
	}
	media, ok := content["application/json"].(map[string]any)
	if !ok { // a file: the Content-Type must be one of those documented
		ct := out.header.Get("Content-Type")
		if _, documented := content[ct]; !documented {
			t.Errorf("%s answered %d with Content-Type %q, documented: %v", name, out.status, ct, keys(content))
		}
		return
	}
	d.checkBody(t, fmt.Sprintf("%s %d", name, out.status), media["schema"].(map[string]any), out)
}

func (d *apiDoc) checkBody(t testing.TB, name string, schema map[string]any, out *resp) {
	t.Helper()
	if ct := out.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q, want application/json", name, ct)
		return
	}
	var v any
	if err := json.Unmarshal(out.body, &v); err != nil {
		t.Errorf("%s: body is not JSON: %v: %s", name, err, out.body)
		return
	}
	for _, p := range d.validate("$", schema, v) {
		t.Errorf("%s: answer does not match the documented schema: %s\nbody: %.500s", name, p, out.body)
	}
}

// validate checks v against a schema: types, nullability, required and
// undocumented properties, enums, date-times. It returns the problems.
func (d *apiDoc) validate(at string, s map[string]any, v any) []string {
	if ref, ok := s["$ref"].(string); ok {
		return d.validate(at, d.schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any), v)
	}
	if v == nil {
		if s["nullable"] == true {
			return nil
		}
		return []string{at + " is null"}
	}
	if all, ok := s["allOf"].([]any); ok { // a nullable reference
		var probs []string
		for _, sub := range all {
			probs = append(probs, d.validate(at, sub.(map[string]any), v)...)
		}
		return probs
	}
	var probs []string
	switch s["type"] {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s is %T, want object", at, v)}
		}
		for _, req := range asStrings(s["required"]) {
			if _, ok := m[req]; !ok {
				probs = append(probs, at+"."+req+" is missing")
			}
		}
		props, _ := s["properties"].(map[string]any)
		if props == nil {
			return probs
		}
		for _, k := range keys(m) {
			ps, ok := props[k].(map[string]any)
			if !ok {
				probs = append(probs, at+"."+k+" is not documented")
				continue
			}
			probs = append(probs, d.validate(at+"."+k, ps, m[k])...)
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s is %T, want array", at, v)}
		}
		for i, item := range a {
			probs = append(probs, d.validate(fmt.Sprintf("%s[%d]", at, i), s["items"].(map[string]any), item)...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return []string{fmt.Sprintf("%s is %T, want string", at, v)}
		}
		if e := asStrings(s["enum"]); e != nil && !slices.Contains(e, str) {
			probs = append(probs, fmt.Sprintf("%s = %q, not one of %v", at, str, e))
		}
		if s["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				probs = append(probs, fmt.Sprintf("%s = %q is not a date-time", at, str))
			}
		}
	case "integer":
		f, ok := v.(float64)
		if !ok || f != math.Trunc(f) {
			return []string{fmt.Sprintf("%s = %v, want integer", at, v)}
		}
	case "number":
		if _, ok := v.(float64); !ok {
			return []string{fmt.Sprintf("%s = %v, want number", at, v)}
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return []string{fmt.Sprintf("%s = %v, want boolean", at, v)}
		}
	}
	return probs
}

func asStrings(v any) []string {
	a, _ := v.([]any)
	var out []string
	for _, x := range a {
		out = append(out, x.(string))
	}
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
