package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestRetryAsksBeforeUnknownOutcomes: the send's page offers to retry the
// failed recipients that surely did not arrive, and those of unknown
// outcome only through a box that says they may receive it twice.
func TestRetryAsksBeforeUnknownOutcomes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s)
		for _, m := range []string{"+8613700000001", "+8613700000002"} {
			must(t, s.CreateContact(ctx, &model.Contact{CustomerID: e.acme.ID, Name: "联系人" + m[len(m)-1:], Mobile: m}))
		}
		b := storetest.InterruptedBulk(t, s, "中断的群发")
		admin := e.signedIn(t, e.admin)
		page := fmt.Sprintf("/bulk/%d", b.ID)
		failed := func() map[string]int {
			rs, err := s.ListRecipients(ctx, b.ID, storage.RecipientFilter{Status: model.RecipientFailed})
			must(t, err)
			out := map[string]int{}
			for _, r := range rs {
				out[r.Reason]++
			}
			return out
		}
		unknown := b.Counts.Failed - 1
		res := admin.get(page)
		for _, want := range []string{"重试 1 条失败", `name="include_unknown"`, fmt.Sprintf("同时重发 %d 条结果未知的（可能已送达，对方或会收到两条）", unknown)} {
			if !strings.Contains(res.body, want) {
				t.Errorf("send page lacks %q", want)
			}
		}
		if res := admin.post(page+"/retry", nil); res.status != http.StatusSeeOther {
			t.Fatalf("retry: %d", res.status)
		}
		if got := failed(); got[model.FailOutcomeUnknown] != unknown || len(got) != 1 {
			t.Fatalf("after a retry without the box: failed %v, want the %d of unknown outcome", got, unknown)
		}
		res = admin.get(page)
		if !strings.Contains(res.body, "重试 0 条失败") || !strings.Contains(res.body, `id="retry-unknown"`) {
			t.Errorf("send page after the first retry:\n%s", res.body)
		}
		if res := admin.post(page+"/retry", url.Values{"include_unknown": {"1"}}); res.status != http.StatusSeeOther {
			t.Fatalf("retry with the box ticked: %d", res.status)
		}
		if got := failed(); len(got) != 0 {
			t.Fatalf("after a retry with the box ticked: failed %v", got)
		}
	})
}
