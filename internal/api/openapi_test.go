package api

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestOpenAPIMatchesRoutes checks that the document describes exactly the
// registered routes, with their path parameters, and that it hangs together.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.SQLite(t))
	r := e.do(t, "GET", "openapi.json", nil)
	if r.status != 200 {
		t.Fatalf("GET /openapi.json: %v", r)
	}
	var doc map[string]any
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.0.3" {
		t.Errorf("openapi = %v", doc["openapi"])
	}

	var documented, registered []string
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			documented = append(documented, strings.ToUpper(method)+" "+path)
			var inPath []string
			for _, p := range asMaps(op.(map[string]any)["parameters"]) {
				if p["in"] == "path" {
					inPath = append(inPath, "{"+p["name"].(string)+"}")
				}
			}
			var wildcards []string
			for _, seg := range strings.Split(path, "/") {
				if strings.HasPrefix(seg, "{") {
					wildcards = append(wildcards, seg)
				}
			}
			if !slices.Equal(inPath, wildcards) {
				t.Errorf("%s %s documents path parameters %v, want %v", method, path, inPath, wildcards)
			}
			if _, ok := op.(map[string]any)["responses"].(map[string]any)["default"]; !ok {
				t.Errorf("%s %s has no default response", method, path)
			}
		}
	}
	for _, rt := range routes {
		registered = append(registered, rt.Method+" "+rt.Path)
	}
	slices.Sort(documented)
	slices.Sort(registered)
	for _, x := range registered {
		if !slices.Contains(documented, x) {
			t.Errorf("route %s is not in the OpenAPI document", x)
		}
	}
	for _, x := range documented {
		if !slices.Contains(registered, x) {
			t.Errorf("the OpenAPI document describes %s, which is not a route", x)
		}
	}
	if len(documented) != len(registered) {
		t.Errorf("%d documented operations, %d routes", len(documented), len(registered))
	}

	// Public routes are documented without security, all others with it.
	for _, rt := range routes {
		op := doc["paths"].(map[string]any)[rt.Path].(map[string]any)[strings.ToLower(rt.Method)].(map[string]any)
		sec, has := op["security"]
		if rt.Public != (has && len(sec.([]any)) == 0) {
			t.Errorf("%s %s: public = %v but documented security %v", rt.Method, rt.Path, rt.Public, sec)
		}
	}

	// Every $ref resolves.
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if _, ok := schemas[strings.TrimPrefix(ref, "#/components/schemas/")]; !ok {
					t.Errorf("dangling $ref %s", ref)
				}
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(doc)
}

func asMaps(v any) []map[string]any {
	var out []map[string]any
	for _, x := range asSlice(v) {
		out = append(out, x.(map[string]any))
	}
	return out
}

func asSlice(v any) []any { a, _ := v.([]any); return a }

// TestOpenAPIResponses reads every resource with data present, so each
// documented schema (items included) meets a real answer; e.do checks each
// answer against the document. Every other test's answers are checked the
// same way.
func TestOpenAPIResponses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newMWorld(t, s)
		f := w.build(t, "admin")
		if err := s.SetRelation(t.Context(), &model.Relation{CustomerID: f.x.ID, UserID: w.users["mate"].ID, Kind: model.RelationSharer}); err != nil {
			t.Fatal(err)
		}
		sid, _, err := w.e.app.Auth.StartSession(t.Context(), w.users["admin"], "")
		if err != nil {
			t.Fatal(err)
		}
		if r := w.e.do(t, "GET", "me", nil, cookie(sid)); r.status != 200 {
			t.Errorf("GET /me with a session: %v", r)
		}
		// A sent single contact fills the outbox and the delivery log.
		if r := w.e.do(t, "POST", "contacts/"+itoa(f.cx.ID)+"/contact", `{"title":"Hi","sms":{"text":"Hi"}}`,
			bearer(w.tokens["admin"])); r.status != 200 {
			t.Fatalf("single contact: %v", r)
		}
		// The admin has a notification of a finished bulk send to list.
		done := *f.done
		done.UserID = &w.users["admin"].ID
		w.e.app.Notify.BulkFinished(t.Context(), &done)
		// A WeCom member and an external contact waiting for review.
		if err := s.SaveWeComMembers(t.Context(), []model.WeComMember{{ID: "zhangsan", Name: "张三", Mobile: "+8613700000001"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.SyncWeComFollows(t.Context(), "zhangsan", []*model.WeComExternal{{ID: "wmWANG", Name: "王经理",
			Follows: []model.WeComFollow{{MemberID: "zhangsan", Remark: "王经理", RemarkMobiles: []string{"13800000001"}}}}}, time.Now()); err != nil {
			t.Fatal(err)
		}
		for _, rt := range routes {
			if rt.Method != "GET" {
				continue
			}
			path := w.expand(strings.NewReplacer("{id}", map[string]string{
				"/customers/{id}": "{X}", "/customers/{id}/contacts": "{X}", "/customers/{id}/relations": "{X}",
				"/contacts/{id}": "{CX}", "/users/{id}": "{U}", "/users/{id}/tokens": "{U}", "/teams/{id}": "{T}", "/topics/{id}": "{TP}",
				"/records/{id}": "{R}", "/customers/{id}/records": "{X}",
				"/bulk-sends/{id}": "{B}", "/bulk-sends/{id}/recipients": "{BD}", "/bulk-sends/{id}/recipients/export": "{BD}",
				"/bulk-sends/{id}/events": "{BD}", "/bulk-sends/{id}/wecom-tasks": "{BD}", "/plans/{id}": "{PL}", "/sms-templates/{id}": "{ST}",
			}[rt.Path]).Replace(rt.Path), f, "team", false)
			if rt.Path == "/records/export" {
				path += "?format=xlsx"
			}
			r := w.e.do(t, "GET", path, nil, bearer(w.tokens["admin"]))
			if r.status != 200 {
				t.Errorf("GET %s: %v", path, r)
				continue
			}
			if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
				continue // a file, checked against its documented media types
			}
			if items, ok := r.json(t)["items"]; ok && len(items.([]any)) == 0 {
				t.Errorf("GET %s: no items to check the schema with", path)
			}
		}
	})
}
