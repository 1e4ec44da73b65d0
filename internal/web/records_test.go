package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestManualRecordAndTimeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		e.agent1.Timezone = "Asia/Shanghai"
		must(t, s.UpdateUser(ctx, e.agent1))
		shanghai, _ := time.LoadLocation("Asia/Shanghai")
		wang := e.contactNamed(e.acme.ID, "王小明")
		page := fmt.Sprintf("/customers/%d", e.acme.ID)
		agent := e.signedIn(t, e.agent1)

		res := agent.get(page)
		if !strings.Contains(res.body, `id="timeline-empty"`) || !strings.Contains(res.body, `id="add-record"`) {
			t.Fatalf("customer page without records:\n%s", res.body)
		}
		res = agent.htmx(page + "/records/new?contact_id=" + fmt.Sprint(wang.ID))
		now := time.Now().In(shanghai).Format("2006-01-02T15:")
		if res.status != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(res.body), "<dialog") ||
			!strings.Contains(res.body, `name="contacted_at" value="`+now) || !strings.Contains(res.body, "Asia/Shanghai") {
			t.Fatalf("new record dialog: %d\n%s", res.status, res.body)
		}

		form := func(at string) url.Values {
			return url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "channel": {"phone"}, "contacted_at": {at},
				"title": {"电话回访"}, "summary": {"客户满意"}}
		}
		future := time.Now().In(shanghai).Add(2 * time.Hour).Format("2006-01-02T15:04")
		for at, want := range map[string]string{future: "联系时间不能晚于现在", "yesterday": "请填写日期和时间"} {
			res = agent.postHTMX(page+"/records", form(at))
			if res.status != http.StatusBadRequest || res.header.Get("HX-Retarget") != "#record-form" ||
				!strings.Contains(res.body, `id="e-contacted_at" role="alert">`+want) || !strings.Contains(res.body, "客户满意") {
				t.Errorf("contacted at %q: %d\n%s", at, res.status, res.body)
			}
		}
		if n := len(e.records()); n != 0 {
			t.Fatalf("refused records stored: %d", n)
		}
		other := &model.Contact{CustomerID: e.globex.ID, Name: "Globex contact"}
		must(t, s.CreateContact(ctx, other))
		res = agent.postHTMX(page+"/records", url.Values{"contact_id": {fmt.Sprint(other.ID)}, "channel": {"phone"},
			"contacted_at": {"2026-01-02T09:30"}, "title": {"x"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "请选择联系人") || len(e.records()) != 0 {
			t.Errorf("a contact of another customer: %d", res.status)
		}
		res = agent.postHTMX(page+"/records", url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "channel": {"fax"},
			"contacted_at": {"2026-01-02T09:30"}, "title": {"x"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "请选择联系方式") {
			t.Errorf("unknown channel: %d", res.status)
		}

		res = agent.postHTMX(page+"/records", form("2026-01-02T09:30"))
		if res.status != http.StatusOK || !strings.Contains(res.header.Get("HX-Trigger"), "closeDialog") ||
			!strings.Contains(res.header.Get("HX-Trigger"), "recordsChanged") {
			t.Fatalf("good record: %d %q\n%s", res.status, res.header.Get("HX-Trigger"), res.body)
		}
		recs := e.records()
		if len(recs) != 1 || !recs[0].ContactedAt.Equal(time.Date(2026, 1, 2, 1, 30, 0, 0, time.UTC)) ||
			recs[0].Source != model.SourceManual || recs[0].Channel != "phone" || recs[0].Address != wang.Mobile {
			t.Fatalf("stored record: %+v", recs)
		}

		// The timeline shows it, in the user's time zone; htmx refreshes the card alone.
		res = agent.htmx(page + "/records")
		if !strings.HasPrefix(strings.TrimSpace(res.body), `<section class="card" id="timeline"`) ||
			!strings.Contains(res.body, "电话回访") || !strings.Contains(res.body, "2026-01-02 09:30") {
			t.Fatalf("timeline card:\n%s", res.body)
		}
		// Without JavaScript: the page, then back to the customer.
		agent.get(page + "/records/new")
		res = agent.post(page+"/records", form("2026-01-03T08:00"))
		if res.status != http.StatusSeeOther || res.header.Get("Location") != page {
			t.Errorf("plain form: %d %q", res.status, res.header.Get("Location"))
		}

		// More than a page: "more" loads the rest after the cursor, without repeats.
		for i := 0; i < 25; i++ {
			must(t, s.CreateRecord(ctx, &model.Record{CustomerID: e.acme.ID, ContactID: &wang.ID, UserID: &e.agent1.ID,
				Channel: "visit", Source: "manual", Title: fmt.Sprintf("拜访 %02d", i), ContactedAt: time.Date(2025, 6, 1, i, 0, 0, 0, time.UTC)}))
		}
		res = agent.get(page)
		first := recordIDs(res.body, `id="tl-record-(\d+)"`)
		more := regexp.MustCompile(`hx-get="([^"]+after=[^"]+)"`).FindStringSubmatch(res.body)
		if len(first) != 20 || more == nil {
			t.Fatalf("timeline shows %d records, more link %v", len(first), more)
		}
		res = agent.htmx(strings.ReplaceAll(more[1], "&amp;", "&"))
		rest := recordIDs(res.body, `id="tl-record-(\d+)"`)
		if len(rest) != 7 || strings.Contains(res.body, `id="timeline-more"`) {
			t.Fatalf("more: %d records\n%s", len(rest), res.body)
		}
		for _, id := range rest {
			if slices.Contains(first, id) {
				t.Fatalf("record %s shown twice", id)
			}
		}
	})
}

// recordIDs returns the first group of every match of pattern in body.
func recordIDs(body, pattern string) []string {
	var ids []string
	for _, m := range regexp.MustCompile(pattern).FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// seedRecords gives Acme (agent1's) 60 phone records, Globex (agent2's,
// shared with agent1) 3 SMS and Initech (invisible to agent1) 5 visits.
func seedRecords(t *testing.T, e *env) *model.Topic {
	t.Helper()
	ctx := context.Background()
	topic := &model.Topic{Name: "续费提醒", Active: true}
	must(t, e.store.CreateTopic(ctx, topic))
	base := time.Date(2026, 2, 1, 8, 0, 0, 0, time.UTC)
	add := func(c *model.Customer, rep *model.User, ch, title string, at time.Time, topics ...int64) {
		must(t, e.store.CreateRecord(ctx, &model.Record{CustomerID: c.ID, UserID: &rep.ID, Channel: ch, Source: model.SourceManual,
			Title: title, Summary: "summary of " + title, ContactedAt: at, TopicIDs: topics}))
	}
	for i := 0; i < 60; i++ {
		// Pairs share a time, so the id breaks ties between pages.
		add(e.acme, e.agent1, "phone", fmt.Sprintf("Acme call %02d", i), base.Add(time.Duration(i/2)*time.Hour))
	}
	for i := 0; i < 3; i++ {
		add(e.globex, e.agent2, "sms", fmt.Sprintf("Globex sms %d", i), base.AddDate(0, 0, 5), topic.ID)
	}
	for i := 0; i < 5; i++ {
		add(e.initec, e.agent2, "visit", fmt.Sprintf("Initech visit %d", i), base.AddDate(0, 0, 6))
	}
	return topic
}

func TestRecordsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		topic := seedRecords(t, e)
		agent := e.signedIn(t, e.agent1)
		rows := func(path string) []string {
			t.Helper()
			res := agent.get(path)
			if res.status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, res.status)
			}
			if strings.Contains(res.body, "Initech visit") {
				t.Fatalf("GET %s shows a record of an invisible customer", path)
			}
			return recordIDs(res.body, `<tr id="record-(\d+)"`)
		}
		for _, tc := range []struct {
			path string
			want int
		}{
			{"/records?channel=sms", 3},
			{"/records?topic=" + fmt.Sprint(topic.ID), 3},
			{fmt.Sprintf("/records?customer=%d", e.globex.ID), 3},
			{fmt.Sprintf("/records?customer=%d", e.initec.ID), 0},
			{"/records?channel=visit", 0},
			{"/records?q=" + url.QueryEscape("call 07"), 1},
			{"/records?q=call%2007%00%ff", 1},                              // a NUL and an invalid byte are dropped
			{"/records?q=" + url.QueryEscape(strings.Repeat("长", 300)), 0}, // cut to 200 characters, matching nothing
			{"/records?from=2026-02-06&to=2026-02-06", 3},
			{"/records?from=2026-02-01&to=2026-02-01&channel=phone", 16}, // the day in the user's zone, Asia/Shanghai
			{fmt.Sprintf("/records?rep=%d", e.agent2.ID), 3},
			{"/records?source=single", 0},
			{"/records?status=sent", 0},
			{"/records?channel=bogus", 50}, // an unknown value does not filter
		} {
			if got := rows(tc.path); len(got) != min(tc.want, 50) {
				t.Errorf("GET %s: %d rows, want %d", tc.path, len(got), tc.want)
			}
		}
		// The chosen invisible customer's name is never shown.
		if res := agent.get(fmt.Sprintf("/records?customer=%d", e.initec.ID)); strings.Contains(res.body, "Initech") ||
			!strings.Contains(res.body, `id="records-empty"`) {
			t.Error("filtering by an invisible customer leaks it")
		}
		// Filters answer htmx with the results and the export links.
		res := agent.htmxTarget("/records?channel=sms", "record-results")
		if strings.Contains(res.body, "<html") || !strings.Contains(res.body, `href="/records/export.csv?channel=sms"`) ||
			!strings.Contains(res.body, `hx-swap-oob="true"`) {
			t.Errorf("results fragment:\n%s", res.body)
		}
		// The customer search suggests visible customers only, as filter links.
		res = agent.htmx("/records/customers?customer_q=e&channel=phone")
		if !strings.Contains(res.body, fmt.Sprintf(`href="/records?channel=phone&amp;customer=%d"`, e.acme.ID)) ||
			strings.Contains(res.body, "Initech") {
			t.Errorf("customer suggestions:\n%s", res.body)
		}

		// Keyset pages: older, then newer again, never overlapping.
		acme := fmt.Sprintf("/records?customer=%d", e.acme.ID)
		res = agent.get(acme)
		page1 := recordIDs(res.body, `<tr id="record-(\d+)"`)
		older := regexp.MustCompile(`href="([^"]+)" hx-get="[^"]+" hx-target="#record-results" hx-push-url="true" rel="next"`).FindStringSubmatch(res.body)
		if len(page1) != 50 || older == nil || strings.Contains(res.body, `id="page-newer"`) || strings.Contains(res.body, "OFFSET") {
			t.Fatalf("first page: %d rows, older link %v", len(page1), older)
		}
		res = agent.get(strings.ReplaceAll(older[1], "&amp;", "&"))
		page2 := recordIDs(res.body, `<tr id="record-(\d+)"`)
		if len(page2) != 10 || strings.Contains(res.body, `id="page-older"`) {
			t.Fatalf("second page: %d rows", len(page2))
		}
		for _, id := range page2 {
			if slices.Contains(page1, id) {
				t.Fatalf("record %s on both pages", id)
			}
		}
		newer := regexp.MustCompile(`href="([^"]+)" hx-get="[^"]+" hx-target="#record-results" hx-push-url="true" rel="prev"`).FindStringSubmatch(res.body)
		if newer == nil {
			t.Fatal("the second page has no link to newer records")
		}
		res = agent.get(strings.ReplaceAll(newer[1], "&amp;", "&"))
		if back := recordIDs(res.body, `<tr id="record-(\d+)"`); !slices.Equal(back, page1) {
			t.Fatalf("back to newer: %v, want %v", back, page1)
		}
		if res := agent.get("/records?after=garbage"); res.status != http.StatusOK {
			t.Errorf("a bad cursor: %d", res.status)
		}

		// The total loads after the page, for the same filters, counting
		// only what the agent sees.
		res = agent.get("/records?channel=sms")
		if !strings.Contains(res.body, `hx-get="/records/count?channel=sms"`) {
			t.Fatal("the filtered list does not load its total")
		}
		if res := agent.get("/records/count?channel=sms"); !strings.Contains(res.body, "共 3 条") {
			t.Errorf("filtered total: %s", res.body)
		}
		if res := agent.get("/records/count"); !strings.Contains(res.body, "共 63 条") {
			t.Errorf("total: %s", res.body)
		}
		agent.lang = "en"
		if res := agent.get(fmt.Sprintf("/records/count?customer=%d", e.initec.ID)); !strings.Contains(res.body, ">0 in all") {
			t.Errorf("total of an invisible customer: %s", res.body)
		}
	})
}

func TestRecordsExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		seedRecords(t, e)
		agent := e.signedIn(t, e.agent1)

		res := agent.get("/records/export.csv?channel=sms")
		if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(res.header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("csv: %d %v", res.status, res.header)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || rows[0][1] != "联系时间" || rows[1][2] != "Globex 科技" {
			t.Fatalf("csv rows: %v", rows)
		}
		res = agent.get("/records/export.csv")
		rows, _ = csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\uFEFF"))).ReadAll()
		if len(rows) != 64 || strings.Contains(res.body, "Initech") {
			t.Fatalf("unfiltered csv: %d rows (want 63 visible records and a header)", len(rows))
		}

		agent.lang = "en"
		res = agent.get(fmt.Sprintf("/records/export.xlsx?customer=%d&from=2026-02-01&to=2026-02-01", e.acme.ID))
		if res.status != http.StatusOK || !strings.Contains(res.header.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("xlsx: %d %v", res.status, res.header)
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(res.body)))
		if err != nil {
			t.Fatal(err)
		}
		xrows, err := x.GetRows("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		// 1 February in Asia/Shanghai ends at 16:00 UTC: calls 00 to 15, shown in the user's zone.
		if len(xrows) != 17 || xrows[0][1] != "Contacted at" || xrows[1][1] != "2026-02-01 23:00:00" || xrows[1][2] != "Acme 贸易" ||
			xrows[1][8] != "Acme call 15" {
			t.Fatalf("xlsx: %d rows, %v / %v", len(xrows), xrows[0], xrows[1])
		}
		// Nothing of an invisible customer, even asked for by id.
		res = agent.get(fmt.Sprintf("/records/export.csv?customer=%d", e.initec.ID))
		if rows, _ := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\uFEFF"))).ReadAll(); len(rows) != 1 {
			t.Errorf("export of an invisible customer: %d rows", len(rows))
		}
	})
}

func TestRecordPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		wang := e.contactNamed(e.acme.ID, "王小明")
		r := &model.Record{CustomerID: e.acme.ID, ContactID: &wang.ID, UserID: &e.agent1.ID, Channel: "email", Source: "single",
			Status: "sent", Title: "续费提醒", Summary: "提醒续费", Subject: "Acme 续费", Content: "尊敬的王小明：\n续费提醒。",
			Address: "wang@acme.example", Provider: "smtp", ProviderMessageID: "<m1@acme>", ContactedAt: time.Now().Add(-time.Hour)}
		must(t, s.CreateRecord(context.Background(), r))
		hidden := &model.Record{CustomerID: e.initec.ID, Channel: "visit", Source: "manual", Title: "hidden"}
		must(t, s.CreateRecord(context.Background(), hidden))
		agent := e.signedIn(t, e.agent1)
		res := agent.get(fmt.Sprintf("/records/%d", r.ID))
		for _, want := range []string{"续费提醒", "提醒续费", "Acme 续费", "尊敬的王小明：\n续费提醒。", "wang@acme.example", "SMTP 服务器",
			"&lt;m1@acme&gt;", "王小明", "Agent1"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("record page lacks %q", want)
			}
		}
		for _, p := range []string{fmt.Sprintf("/records/%d", hidden.ID), "/records/999999", "/records/x"} {
			if res := agent.get(p); res.status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, res.status)
			}
		}
	})
}
