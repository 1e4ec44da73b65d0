package api

import (
	"context"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestRetryLeavesUnknownOutcomesUnlessAsked: of a send's failed
// recipients, those whose outcome is unknown (they may have arrived) are
// counted apart and a retry leaves them unless include_unknown says so;
// a malformed body is refused naming the field and re-queues nothing.
func TestRetryLeavesUnknownOutcomesUnlessAsked(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s)
		admin := e.user(t, "admin", model.RoleAdmin, nil)
		c := e.customer(t, &model.Customer{Name: "Acme"})
		for _, m := range []string{"+8613800000001", "+8613800000002", "+8613800000003"} {
			e.contact(t, &model.Contact{CustomerID: c.ID, Name: m, Mobile: m})
		}
		b := storetest.InterruptedBulk(t, s, "interrupted")
		auth := bearer(e.token(t, admin))
		path := "bulk-sends/" + itoa(b.ID)

		got := countsOf(t, e.do(t, "GET", path, nil, auth).json(t))
		if got.Failed != 3 || got.Unknown != 2 {
			t.Fatalf("counts: %+v, want 3 failed of which 2 unknown", got)
		}
		r := e.do(t, "POST", path+"/retry-failed", `{"include_unknown":"yes"}`, auth)
		if code, field := r.errCode(t); r.status != 400 || field != "include_unknown" {
			t.Fatalf("malformed body: %d %s %s", r.status, code, field)
		}
		if r := e.do(t, "POST", path+"/retry-failed", nil, auth); r.status != 200 || r.json(t)["requeued"] != float64(1) {
			t.Fatalf("retry: %v", r)
		}
		unknown, err := s.ListRecipients(ctx, b.ID, storage.RecipientFilter{Status: model.RecipientFailed})
		if err != nil || len(unknown) != 2 || unknown[0].Reason != model.FailOutcomeUnknown {
			t.Fatalf("left failed: %+v, %v", unknown, err)
		}
		r = e.do(t, "POST", path+"/retry-failed", `{"include_unknown":true}`, auth)
		if r.status != 200 || r.json(t)["requeued"] != float64(2) {
			t.Fatalf("retry with include_unknown: %v", r)
		}
		if c := countsOf(t, r.json(t)["bulk_send"].(map[string]any)); c.Failed != 0 || c.Unknown != 0 || c.Pending != 3 {
			t.Fatalf("after both retries: %+v", c)
		}
	})
}
