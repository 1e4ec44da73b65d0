package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"touchbase/internal/bulk"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/unsubscribe"
)

// unsubContact is 王小明 of Acme, the contact with an e-mail address.
func (e *env) unsubContact(t *testing.T) *model.Contact {
	t.Helper()
	cts, err := e.store.ListContacts(context.Background(), permission.Policy{Admin: true},
		storage.ContactFilter{CustomerID: e.acme.ID})
	must(t, err)
	for _, ct := range cts {
		if ct.Email != "" {
			return ct
		}
	}
	t.Fatal("no contact with an e-mail")
	return nil
}

// unsubPath is the path of the contact's unsubscribe link.
func (e *env) unsubPath(t *testing.T, ct *model.Contact) string {
	t.Helper()
	u, err := url.Parse(e.app.Unsubscribe.URL(ct.ID, ct.Email))
	must(t, err)
	if !strings.HasPrefix(u.Path, unsubscribe.Path) {
		t.Fatalf("link %s", u)
	}
	return u.Path
}

// oneClick posts the RFC 8058 form as a mail provider does: no cookie, no
// CSRF token.
func oneClick(t *testing.T, srv, path, body string) (int, string) {
	t.Helper()
	res, err := http.Post(srv+path, "application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (e *env) inboundRecords(t *testing.T, contactID int64) []*model.Record {
	t.Helper()
	recs, _, err := e.store.ListRecords(context.Background(), permission.Policy{Admin: true},
		storage.RecordFilter{ContactID: contactID, Direction: model.DirectionInbound})
	must(t, err)
	return recs
}

func TestOneClickUnsubscribe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s)
		ct := e.unsubContact(t)
		path := e.unsubPath(t, ct)

		// A tampered token, a token of another key, a malformed body:
		// 4xx, nothing changes.
		tampered := path[:len(path)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(path, "AA")]
		for _, tc := range []struct {
			path, body string
			want       int
		}{
			{tampered, "List-Unsubscribe=One-Click", http.StatusNotFound},
			{unsubscribe.Path + unsubscribe.NewSigner(make([]byte, 32)).Token(ct.ID, ct.Email), "List-Unsubscribe=One-Click", http.StatusNotFound},
			{unsubscribe.Path + "%00%ff", "List-Unsubscribe=One-Click", http.StatusNotFound},
			{unsubscribe.Path + strings.Repeat("A", 5000), "List-Unsubscribe=One-Click", http.StatusNotFound},
			{path, "", http.StatusBadRequest},
			{path, "List-Unsubscribe=Yes", http.StatusBadRequest},
			{path, "%zz", http.StatusBadRequest},
			{path, strings.Repeat("x", 10000), http.StatusRequestEntityTooLarge},
		} {
			if code, body := oneClick(t, e.srv.URL, tc.path, tc.body); code != tc.want {
				t.Errorf("POST %.60s %q: %d, want %d\n%.300s", tc.path, tc.body, code, tc.want, body)
			}
		}
		if got, _ := s.ContactByID(ctx, permission.Policy{Admin: true}, ct.ID); got.OptOutEmail {
			t.Fatal("a refused request opted the contact out")
		}
		if n := len(e.inboundRecords(t, ct.ID)); n != 0 {
			t.Fatalf("a refused request wrote %d records", n)
		}

		// The one-click POST, ten times: one opt-out, one inbound record.
		for i := 0; i < 10; i++ {
			code, body := oneClick(t, e.srv.URL, path, "List-Unsubscribe=One-Click")
			if code != http.StatusOK || !strings.Contains(body, `id="unsubscribe-done"`) {
				t.Fatalf("POST %d: %d\n%s", i, code, body)
			}
		}
		got, _ := s.ContactByID(ctx, permission.Policy{Admin: true}, ct.ID)
		if !got.OptOutEmail || got.OptOutEmailSource != model.OptOutByUnsubscribe || got.OptOutEmailAt == nil {
			t.Fatalf("contact after unsubscribe: %v %q %v", got.OptOutEmail, got.OptOutEmailSource, got.OptOutEmailAt)
		}
		recs := e.inboundRecords(t, ct.ID)
		if len(recs) != 1 || recs[0].Source != model.SourceInbound || recs[0].Channel != model.ChannelEmail ||
			recs[0].Summary != "通过邮件退订链接退订" {
			t.Fatalf("inbound records: %+v", recs)
		}

		// The next bulk e-mail skips the contact as opted out.
		b, err := e.app.Bulk.Create(ctx, permission.Policy{Admin: true}, e.admin, bulk.Input{Title: "通知",
			EmailSubject: "s", EmailBody: "b", Recipients: storage.RecipientSelection{Query: "C001"}})
		must(t, err)
		rows, err := e.app.Bulk.Recipients(ctx, permission.Policy{Admin: true}, b.ID, storage.RecipientFilter{Channel: "email"})
		must(t, err)
		skipped := false
		for _, r := range rows {
			if r.ContactID != nil && *r.ContactID == ct.ID {
				skipped = r.Status == model.RecipientSkipped && r.Reason == model.SkipOptedOut
			}
		}
		if !skipped {
			t.Fatalf("bulk recipients: %+v", rows)
		}

		// The records list filters inbound records; the contact page and
		// the customer timeline show them.
		c := e.signedIn(t, e.admin)
		res := c.get("/records?direction=inbound")
		if res.status != http.StatusOK || !strings.Contains(res.body, "通过邮件退订链接退订") || !strings.Contains(res.body, "direction-inbound") {
			t.Fatalf("inbound records list: %d\n%s", res.status, res.body)
		}
		if res := c.get("/records?direction=outbound"); strings.Contains(res.body, "通过邮件退订链接退订") {
			t.Fatal("the outbound filter lists the unsubscribe")
		}
		res = c.get("/customers/" + strconv.FormatInt(e.acme.ID, 10))
		if !strings.Contains(res.body, "已退订 · ") || !strings.Contains(res.body, " · 邮件退订链接") ||
			!strings.Contains(res.body, `class="badge badge-blue direction-inbound">客户来信`) {
			t.Fatalf("customer page:\n%s", res.body)
		}
	})
}

func TestUnsubscribePageLanguages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ct := e.unsubContact(t)
		path := e.unsubPath(t, ct)
		zh := e.client(t)
		res := zh.get(path)
		if res.status != http.StatusOK || !strings.Contains(res.body, "确定不再接收发往 w***@acme.example 的邮件吗？") ||
			!strings.Contains(res.body, `name="List-Unsubscribe" value="One-Click"`) || strings.Contains(res.body, ct.Email) {
			t.Fatalf("zh page: %d\n%s", res.status, res.body)
		}
		en := e.client(t)
		en.lang = "en-US,en;q=0.9"
		if res := en.get(path); !strings.Contains(res.body, "Stop e-mails to w***@acme.example?") || !strings.Contains(res.body, `lang="en"`) {
			t.Fatalf("en page:\n%s", res.body)
		}
		// The language switch of the page works without a session.
		zh.post("/language", url.Values{"lang": {"en"}, "return": {path}})
		if res := zh.get(path); !strings.Contains(res.body, "Stop e-mails to") {
			t.Fatalf("after the switch:\n%s", res.body)
		}
		// Showing the page changes nothing.
		if got, _ := s.ContactByID(context.Background(), permission.Policy{Admin: true}, ct.ID); got.OptOutEmail {
			t.Fatal("GET opted the contact out")
		}
		if res := zh.get(unsubscribe.Path + "bogus"); res.status != http.StatusNotFound || !strings.Contains(res.body, "unsubscribe-invalid") {
			t.Fatalf("bad token page: %d", res.status)
		}
	})
}

func TestUnsubscribeRateLimited(t *testing.T) {
	s := storetest.SQLite(t)
	e := newEnv(t, s)
	codes := map[int]int{}
	for i := 0; i < 40; i++ {
		code, _ := oneClick(t, e.srv.URL, unsubscribe.Path+"bogus", "List-Unsubscribe=One-Click")
		codes[code]++
	}
	if codes[http.StatusTooManyRequests] == 0 || codes[http.StatusNotFound] == 0 || codes[http.StatusInternalServerError] != 0 {
		t.Fatalf("codes: %v", codes)
	}
}
