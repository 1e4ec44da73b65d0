package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"touchbase/internal/app"
	"touchbase/internal/auth"
	"touchbase/internal/config"
	"touchbase/internal/httpauth"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/server"
	"touchbase/internal/storage"
)

// testPassword is every test user's password.
const testPassword = "password-1"

var testHash = sync.OnceValue(func() string {
	h, err := auth.HashPasswordWith(testPassword, auth.Params{Time: 1, Memory: 64, Threads: 1}) // light costs: the race detector makes the real ones slow
	if err != nil {
		panic(err)
	}
	return h
})

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is one server on one store, as cmd/touchbase serve builds it.
type env struct {
	store *storage.Store
	app   *app.App
	h     http.Handler
	logs  *syncBuffer
}

func newEnv(t testing.TB, s *storage.Store, opts ...func(*config.Options)) *env {
	t.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	// The tests' fake providers listen on loopback.
	cfg.AllowPrivateProviders = true
	for _, o := range opts {
		o(&cfg)
	}
	a, err := app.New(cfg, log, s)
	if err != nil {
		t.Fatal(err)
	}
	// River's tables, so bulk sends can be queued (live starts the workers).
	if err := jobs.Migrate(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	srv := server.New(a, New(a), http.NotFoundHandler())
	return &env{store: s, app: a, h: srv.Handler(), logs: logs}
}

// live starts what serve runs besides HTTP: the River workers that deliver
// bulk sends and the notification centre's live delivery. Both stop when
// the test ends.
func (e *env) live(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := e.app.Notify.Run(ctx); err != nil {
			t.Errorf("notifications: %v", err)
		}
	}()
	select {
	case <-e.app.Notify.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("the notification centre did not start")
	}
	if err := e.app.Queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer scancel()
		if err := e.app.Queue.Stop(sctx); err != nil {
			t.Logf("stop workers: %v", err)
		}
		cancel()
		<-done
	})
}

// user creates an active user with testPassword.
func (e *env) user(t testing.TB, name string, role model.Role, team *model.Team) *model.User {
	t.Helper()
	u := &model.User{Username: name, Role: role, Active: true, PasswordHash: testHash(), Timezone: "Asia/Shanghai"}
	if team != nil {
		u.TeamID = &team.ID
	}
	if err := e.store.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// token issues a bearer token for u with the widest scope u may hold:
// admin for admins, contact for reps.
func (e *env) token(t testing.TB, u *model.User) string {
	t.Helper()
	scope := model.ScopeContact
	if u.IsAdmin() {
		scope = model.ScopeAdmin
	}
	return e.scopedToken(t, u, scope)
}

// scopedToken issues a bearer token of the given scope for u.
func (e *env) scopedToken(t testing.TB, u *model.User, scope model.TokenScope) string {
	t.Helper()
	secret, _, err := e.app.Auth.CreateAPIToken(context.Background(), u, auth.TokenSpec{Name: "test", Scope: scope})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func (e *env) customer(t testing.TB, c *model.Customer) *model.Customer {
	t.Helper()
	if err := e.store.CreateCustomer(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) contact(t testing.TB, ct *model.Contact) *model.Contact {
	t.Helper()
	if err := e.store.CreateContact(context.Background(), ct); err != nil {
		t.Fatal(err)
	}
	return ct
}

func (e *env) settings(t testing.TB, visibility string, open bool) {
	t.Helper()
	if err := e.store.SaveSettings(context.Background(),
		model.Settings{Visibility: visibility, OpenContactAll: open, DefaultRegion: "CN"}); err != nil {
		t.Fatal(err)
	}
}

// reqOpt adjusts a request.
type reqOpt func(r *http.Request)

func bearer(token string) reqOpt {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

func cookie(sessionID string) reqOpt {
	return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: httpauth.CookieName, Value: sessionID}) }
}

func remote(addr string) reqOpt { return func(r *http.Request) { r.RemoteAddr = addr } }

func header(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

// resp is a recorded answer.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r *resp) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

// json decodes the body as an object.
func (r *resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

// errCode returns error.code and error.field of an error answer.
func (r *resp) errCode(t testing.TB) (code, field string) {
	t.Helper()
	m := r.json(t)
	e, _ := m["error"].(map[string]any)
	if e == nil {
		t.Fatalf("no error member: %s", r.body)
	}
	code, _ = e["code"].(string)
	field, _ = e["field"].(string)
	return code, field
}

// id returns the "id" member of an object answer.
func (r *resp) id(t testing.TB) int64 {
	t.Helper()
	v, ok := r.json(t)["id"].(float64)
	if !ok {
		t.Fatalf("no id in %s", r.body)
	}
	return int64(v)
}

// do sends one request through the whole server and checks the answer
// against the OpenAPI document.
func (e *env) do(t testing.TB, method, path string, body any, opts ...reqOpt) *resp {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	if !strings.HasPrefix(path, Prefix+"/") {
		path = Prefix + "/" + strings.TrimPrefix(path, "/")
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(req)
	}
	if streams(req) {
		// An event stream runs until the client goes: read its beginning.
		ctx, cancel := context.WithTimeout(req.Context(), streamWindow)
		defer cancel()
		req = req.WithContext(ctx)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	out := &resp{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	checkAgainstDoc(t, req, out)
	return out
}

// streamWindow is how long e.do listens to an event stream.
const streamWindow = 150 * time.Millisecond

// streams reports whether the request's operation answers an event stream.
func streams(r *http.Request) bool {
	op, _ := loadDoc().operation(r)
	if op == nil {
		return false
	}
	ok, _ := op["responses"].(map[string]any)["200"].(map[string]any)
	content, _ := ok["content"].(map[string]any)
	_, sse := content[mediaSSE]
	return sse
}

// dump returns every row of a query as text, to compare before and after.
func dump(t testing.TB, s *storage.Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("dump %q: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var sb strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		fmt.Fprintln(&sb, vals...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}

// counts returns the number of rows of every table the API writes.
func counts(t testing.TB, s *storage.Store) string {
	t.Helper()
	return dump(t, s, `SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM contacts),
		(SELECT count(*) FROM customer_relations), (SELECT count(*) FROM users), (SELECT count(*) FROM teams),
		(SELECT count(*) FROM topics), (SELECT count(*) FROM api_tokens), (SELECT count(*) FROM sessions),
		(SELECT count(*) FROM settings), (SELECT count(*) FROM contact_records), (SELECT count(*) FROM record_topics),
		(SELECT count(*) FROM deliveries), (SELECT count(*) FROM outbox_messages), (SELECT count(*) FROM channel_configs),
		(SELECT count(*) FROM bulk_sends), (SELECT count(*) FROM bulk_recipients), (SELECT count(*) FROM bulk_send_topics),
		(SELECT count(*) FROM notifications), (SELECT count(*) FROM bot_webhooks), (SELECT count(*) FROM river_job),
		(SELECT count(*) FROM plans), (SELECT count(*) FROM plan_topics)`)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// samplePath is rt's path with its parameters filled in with values of
// the right form.
func samplePath(rt route) string {
	return strings.NewReplacer("{id}", "1", "{user_id}", "1", "{code}", "C1", "{kind}", "sms").Replace(rt.Path)
}

// session starts a browser session of u: its cookie's id and the session.
func (e *env) session(t testing.TB, u *model.User) (string, *model.Session) {
	t.Helper()
	sid, sess, err := e.app.Auth.StartSession(context.Background(), u, "")
	if err != nil {
		t.Fatal(err)
	}
	return sid, sess
}
