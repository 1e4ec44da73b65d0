package api

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestRouteScopesFollowTheMatrix checks the scope table against the
// authorization matrix, written apart from it: reads need the read scope
// (previews too, as they change nothing); every other route that only
// admins may call needs the admin scope; everything else the contact scope.
func TestRouteScopesFollowTheMatrix(t *testing.T) {
	t.Parallel()
	refused := func(st int) bool { return st == 403 || st == 404 }
	adminOnly := map[string]bool{}
	for _, row := range rowsFor(false) {
		path, _, _ := strings.Cut(row.path, "?")
		// Only admins: the admin's answer is not a refusal, everyone
		// else's always is (404 where they cannot see the customer).
		only := !refused(row.want.admin[0])
		for _, actor := range []cells{row.want.rep, row.want.part, row.want.share, row.want.mate, row.want.mgr, row.want.other} {
			for _, st := range actor {
				only = only && refused(st)
			}
		}
		for _, rt := range routes {
			if rt.Method == row.method && samePattern(rt.Path, path) {
				adminOnly[rt.Method+" "+rt.Path] = adminOnly[rt.Method+" "+rt.Path] || only
			}
		}
	}
	previews := []string{"POST /contacts/{id}/contact/preview", "POST /bulk-sends/preview"}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		want := contactScope
		switch {
		case rt.Public:
			want = noScope
		case rt.Method == "GET" || slices.Contains(previews, key):
			want = readScope
		case adminOnly[key]:
			want = adminScope
		}
		if rt.Scope != want {
			t.Errorf("%s needs scope %q, want %q", key, rt.Scope, want)
		}
	}
}

// TestTokenScopesEnforced calls every route with an admin's token of each
// scope: a scope below the route's is refused 403 insufficient_scope,
// naming both scopes, and changes nothing; one that suffices passes the
// scope check (whatever the call then answers).
func TestTokenScopesEnforced(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newMWorld(t, s)
		f := w.build(t, "admin")
		admin := w.users["admin"]
		tokens := map[model.TokenScope]string{}
		for _, sc := range model.TokenScopes {
			tokens[sc] = w.e.scopedToken(t, admin, sc)
		}
		for _, rt := range routes {
			if rt.Public {
				continue
			}
			path := w.expand(strings.NewReplacer("{id}", "{X}", "{user_id}", "{U}", "{code}", "{CODE}", "{kind}", "sms").Replace(rt.Path), f, "team", false)
			// The scopes too narrow for the route first, against one
			// snapshot: none of them may change anything. Then the others,
			// which must not be refused for their scope.
			var before string
			for _, sc := range model.TokenScopes {
				if sc.Allows(rt.Scope) {
					continue
				}
				if before == "" {
					before = w.snapshot(t, f)
				}
				r := w.e.do(t, rt.Method, path, "{}", bearer(tokens[sc]))
				code := ""
				if r.status >= 400 {
					code, _ = r.errCode(t)
				}
				msg, _ := r.json(t)["error"].(map[string]any)["message"].(string)
				if r.status != 403 || code != "insufficient_scope" || !strings.Contains(msg, "scope is "+string(sc)) ||
					!strings.Contains(msg, "scope "+string(rt.Scope)) {
					t.Errorf("%s %s with a %s token: %v, want 403 insufficient_scope naming %s and %s", rt.Method, rt.Path, sc, r, sc, rt.Scope)
				}
				if h := r.header.Get("WWW-Authenticate"); !strings.Contains(h, `error="insufficient_scope"`) {
					t.Errorf("%s %s: WWW-Authenticate %q", rt.Method, rt.Path, h)
				}
				if after := w.snapshot(t, f); after != before {
					t.Errorf("%s %s with a %s token was refused but changed data", rt.Method, rt.Path, sc)
				}
			}
			for _, sc := range model.TokenScopes {
				if !sc.Allows(rt.Scope) {
					continue
				}
				r := w.e.do(t, rt.Method, path, "{}", bearer(tokens[sc]))
				if r.status == 403 {
					if code, _ := r.errCode(t); code == "insufficient_scope" {
						t.Errorf("%s %s with a %s token: refused for its scope: %v", rt.Method, rt.Path, sc, r)
					}
				}
			}
		}
	})
}

// TestReadOnlyTokenCannotSend: a read-only token reads and previews a
// single contact but cannot send it, and is told why.
func TestReadOnlyTokenCannotSend(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		rep := e.user(t, "rep", model.RoleAgent, nil)
		c := e.customer(t, &model.Customer{Name: "Acme", RepID: &rep.ID})
		ct := e.contact(t, &model.Contact{CustomerID: c.ID, Name: "Li Lei", Mobile: "+8613812345678"})
		read := bearer(e.scopedToken(t, rep, model.ScopeRead))
		body := `{"title":"Hello","sms":{"text":"Hi {{contact.name}}"}}`

		if r := e.do(t, "GET", "contacts/"+itoa(ct.ID), nil, read); r.status != 200 {
			t.Fatalf("read with a read-only token: %v", r)
		}
		if r := e.do(t, "POST", "contacts/"+itoa(ct.ID)+"/contact/preview", body, read); r.status != 200 {
			t.Errorf("preview with a read-only token: %v", r)
		}
		before := counts(t, s)
		r := e.do(t, "POST", "contacts/"+itoa(ct.ID)+"/contact", body, read)
		code, _ := r.errCode(t)
		msg := r.json(t)["error"].(map[string]any)["message"].(string)
		if r.status != 403 || code != "insufficient_scope" || !strings.Contains(msg, "read-only") || !strings.Contains(msg, "scope contact") {
			t.Fatalf("send with a read-only token: %v, want 403 insufficient_scope saying it is read-only and needs contact", r)
		}
		if after := counts(t, s); after != before {
			t.Errorf("the refused send changed data: %s -> %s", before, after)
		}
		// The same rep's contact token sends.
		if r := e.do(t, "POST", "contacts/"+itoa(ct.ID)+"/contact", body, bearer(e.token(t, rep))); r.status != 200 {
			t.Errorf("send with a contact token: %v", r)
		}
	})
}

// TestTokenCreationAndExpiry: POST /tokens takes a scope and an expiry
// within what the user may have; an expired token answers 401
// token_expired; GET /me shows the token of the call.
func TestTokenCreationAndExpiry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.user(t, "agent", model.RoleAgent, nil)
		e.user(t, "boss", model.RoleAdmin, nil)
		login := func(user string, extra string) *resp {
			return e.do(t, "POST", "tokens", `{"username":"`+user+`","password":"`+testPassword+`"`+extra+`}`)
		}

		before := counts(t, s)
		for _, tc := range []struct{ user, extra, field string }{
			{"agent", `,"scope":"admin"`, "scope"},
			{"agent", `,"scope":"write"`, "scope"},
			{"agent", `,"never_expires":true`, "never_expires"},
			{"agent", `,"expires_in_days":0`, "expires_in_days"},
			{"agent", `,"expires_in_days":366`, "expires_in_days"},
			{"boss", `,"expires_in_days":30,"never_expires":true`, "never_expires"},
		} {
			r := login(tc.user, tc.extra)
			if _, field := r.errCode(t); r.status != 400 || field != tc.field {
				t.Errorf("%s %s: %v, want 400 naming %s", tc.user, tc.extra, r, tc.field)
			}
		}
		if after := counts(t, s); after != before {
			t.Errorf("refused token requests changed data: %s -> %s", before, after)
		}

		r := login("agent", `,"name":"sync"`)
		if r.status != 201 || r.json(t)["scope"] != "contact" || r.json(t)["expires_at"] == nil || r.json(t)["expired"] != false {
			t.Fatalf("default token: %v", r)
		}
		exp, _ := time.Parse(time.RFC3339, r.json(t)["expires_at"].(string))
		if d := time.Until(exp); d < 89*24*time.Hour || d > 91*24*time.Hour {
			t.Errorf("default token expires in %v, want 90 days", d)
		}
		tok := r.json(t)["token"].(string)
		me := e.do(t, "GET", "me", nil, bearer(tok), remote("203.0.113.9:4000"))
		tm, _ := me.json(t)["token"].(map[string]any)
		if me.status != 200 || tm["scope"] != "contact" || tm["name"] != "sync" || tm["last_used_ip"] != "203.0.113.9" {
			t.Errorf("GET /me with the token: %v", me)
		}
		list := e.do(t, "GET", "tokens", nil, bearer(tok), remote("203.0.113.9:4000")).json(t)["items"].([]any)
		if it := list[0].(map[string]any); it["last_used_ip"] != "203.0.113.9" || it["last_used_at"] == nil {
			t.Errorf("listed token does not show its last use: %v", it)
		}

		r = login("agent", `,"scope":"read","expires_in_days":7`)
		if r.status != 201 || r.json(t)["scope"] != "read" {
			t.Fatalf("read token for a week: %v", r)
		}
		r = login("boss", `,"scope":"admin","never_expires":true`)
		if r.status != 201 || r.json(t)["scope"] != "admin" || r.json(t)["expires_at"] != nil {
			t.Fatalf("never-expiring admin token: %v", r)
		}

		// Past its expiry the token answers 401 token_expired.
		if _, err := s.DB().ExecContext(context.Background(), `UPDATE api_tokens SET expires_at = $1 WHERE id = $2`,
			time.Now().Add(-time.Minute).UTC(), int64(list[0].(map[string]any)["id"].(float64))); err != nil {
			t.Fatal(err)
		}
		r = e.do(t, "GET", "customers", nil, bearer(tok))
		if code, _ := r.errCode(t); r.status != 401 || code != "token_expired" ||
			!strings.Contains(r.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("expired token: %v (WWW-Authenticate %q), want 401 token_expired", r, r.header.Get("WWW-Authenticate"))
		}
		// A public route still answers.
		if r := e.do(t, "GET", "openapi.json", nil, bearer(tok)); r.status != 200 {
			t.Errorf("the document with an expired token: %d", r.status)
		}
	})
}
