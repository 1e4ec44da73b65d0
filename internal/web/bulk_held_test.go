package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestBulkHeldForQuietHoursShown: a send whose recipients are held for
// quiet hours says until when on its page, has a "held" tab listing them,
// and its CSV export gives the time each goes out.
func TestBulkHeldForQuietHoursShown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s)
		f := e.bulkFixture()
		agent := e.signedIn(t, e.agent1)
		id := created(t, agent.post("/bulk", wizard(url.Values{"ticked": {ids(f.wang, f.li)}})))
		until := time.Now().Add(3 * time.Hour).Truncate(time.Minute)
		n, err := s.HoldRecipients(ctx, id, "sms", nil, until)
		if err != nil || n == 0 {
			t.Fatalf("hold: %d %v", n, err)
		}
		hm := until.In(mustLoc(t, "Asia/Shanghai")).Format("15:04")
		page := agent.get(fmt.Sprintf("/bulk/%d", id))
		if page.status != http.StatusOK || !strings.Contains(page.body, "免打扰时段，"+hm+" 后发送") || !strings.Contains(page.body, `id="count-held"`) {
			t.Fatalf("send page does not say the send is held until %s: %d", hm, page.status)
		}
		held := agent.get(fmt.Sprintf("/bulk/%d?status=held", id))
		if got := strings.Count(held.body, `<span class="badge rcpt-badge rs-held">暂缓发送</span>`); got != int(n) {
			t.Fatalf("held drill-down lists %d held recipients, want %d", got, n)
		}
		csv := agent.get(fmt.Sprintf("/bulk/%d/recipients.csv?status=held", id))
		lines := strings.Split(strings.TrimSpace(csv.body), "\n")
		if csv.status != http.StatusOK || len(lines) != int(n)+1 || !strings.HasSuffix(strings.TrimSpace(lines[0]), "免打扰暂缓至,渠道代码,状态代码") ||
			!strings.Contains(lines[1], until.In(mustLoc(t, "Asia/Shanghai")).Format("2006-01-02 15:04:00")) {
			t.Fatalf("held export: %d\n%s", csv.status, csv.body)
		}
	})
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
