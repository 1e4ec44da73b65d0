package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestHomeShowsABulkSendAsOneLine: "my recent contacts" lists a bulk send
// once, with how many it reached, beside the rep's own records, instead
// of one line per recipient.
func TestHomeShowsABulkSendAsOneLine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s)
		f := e.bulkFixture()
		wang := f.wang
		visit := &model.Record{CustomerID: e.acme.ID, ContactID: &wang.ID, UserID: &e.agent1.ID, Channel: "visit", Source: "manual",
			Title: "上门拜访", ContactedAt: time.Now().Add(-time.Hour)}
		must(t, s.CreateRecord(ctx, visit))
		e.startWorkers(t)
		agent := e.signedIn(t, e.agent1)
		id := created(t, agent.post("/bulk", wizard(url.Values{"ticked": {ids(f.wang, f.li)}})))
		b := e.waitBulk(id, model.BulkDone)
		if b.Counts.Sent == 0 || b.Counts.Total != 2 {
			t.Fatalf("counts: %+v", b.Counts)
		}
		var bulkRecords []int64
		for _, r := range e.records() {
			if r.BulkSendID != nil && *r.BulkSendID == id {
				bulkRecords = append(bulkRecords, r.ID)
			}
		}
		if len(bulkRecords) != b.Counts.Sent {
			t.Fatalf("%d records of the send, want %d", len(bulkRecords), b.Counts.Sent)
		}

		home := agent.get("/")
		if n := strings.Count(home.body, fmt.Sprintf(`id="home-bulk-send-%d"`, id)); n != 1 {
			t.Errorf("the send is listed %d times, want once", n)
		}
		for _, rid := range bulkRecords {
			if strings.Contains(home.body, fmt.Sprintf(`id="home-record-%d"`, rid)) {
				t.Errorf("record %d of the send is listed on its own", rid)
			}
		}
		if !strings.Contains(home.body, fmt.Sprintf(`id="home-record-%d"`, visit.ID)) || !strings.Contains(home.body, "批量联系 2 人") {
			t.Errorf("home lacks the visit or the send's line:\n%s", home.body)
		}
		// The send started after the visit: it comes first.
		if strings.Index(home.body, fmt.Sprintf(`id="home-bulk-send-%d"`, id)) > strings.Index(home.body, fmt.Sprintf(`id="home-record-%d"`, visit.ID)) {
			t.Error("the newer send is listed below the older visit")
		}
	})
}
