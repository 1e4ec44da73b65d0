package api

import (
	"encoding/csv"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// manual posts a manual record and returns its id.
func (w *contactWorld) manual(t *testing.T, as reqOpt, ct *model.Contact, channel string, at time.Time, title string) int64 {
	t.Helper()
	r := w.e.do(t, "POST", "records", fmt.Sprintf(`{"contact_id":%d,"channel":%q,"contacted_at":%q,"title":%q,
		"topic_ids":[%d],"summary":%q}`, ct.ID, channel, at.Format(time.RFC3339Nano), title, w.topic.ID, "summary of "+title), as)
	if r.status != 201 {
		t.Fatalf("manual record: %v", r)
	}
	return r.id(t)
}

// page reads one page of records and its cursor.
func page(t *testing.T, e *env, path string, as reqOpt) ([]int64, string) {
	t.Helper()
	r := e.do(t, "GET", path, nil, as)
	if r.status != 200 {
		t.Fatalf("GET %s: %v", path, r)
	}
	m := r.json(t)
	var ids []int64
	for _, it := range m["items"].([]any) {
		ids = append(ids, int64(it.(map[string]any)["id"].(float64)))
	}
	next, _ := m["next_cursor"].(string)
	return ids, next
}

func TestRecordsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newContactWorld(t, s)
		w.e.settings(t, model.VisibilityOwn, false)
		hidden := w.e.customer(t, &model.Customer{Name: "Hidden Co", Code: "HID"}) // no rep: only admins see it
		hct := w.e.contact(t, &model.Contact{CustomerID: hidden.ID, Name: "Ghost", Mobile: "+8613812340000"})

		base := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
		var originals, hiddenIDs []int64
		for i := range 25 {
			at := base.Add(time.Duration(i/2) * time.Hour) // pairs share a time: the id breaks the tie
			originals = append(originals, w.manual(t, w.rp, w.li, "phone", at, fmt.Sprintf("Call %02d", i)))
			if i%5 == 0 {
				hiddenIDs = append(hiddenIDs, w.manual(t, w.adm, hct, "visit", at, fmt.Sprintf("Hidden %02d", i)))
			}
		}

		// Manual record as answered.
		r := w.e.do(t, "GET", "records/"+itoa(originals[0]), nil, w.rp)
		rec := r.json(t)
		if r.status != 200 || rec["source"] != "manual" || rec["status"] != "done" || rec["channel"] != "phone" ||
			rec["address"] != "+8613812345678" || rec["customer_name"] != "恒信科技" || rec["contact_name"] != "李雷" ||
			rec["user_name"] != "王芳" || rec["contacted_at"] != "2025-06-01T10:00:00Z" || rec["summary"] != "summary of Call 00" {
			t.Errorf("record: %v", r)
		}

		// Keyset paging over more than two pages while new records arrive:
		// no record twice, every original once, nothing hidden.
		seen := map[int64]int{}
		path := "records?limit=10"
		pages := 0
		for {
			ids, next := page(t, w.e, path, w.rp)
			pages++
			for _, id := range ids {
				seen[id]++
			}
			if next == "" {
				break
			}
			// Newer records arrive between pages: a single contact now,
			// and a manual one dated now.
			if r := w.e.do(t, "POST", contactPath(w.li), `{"title":"new","sms":{"text":"hi"}}`, w.rp); r.status != 200 {
				t.Fatalf("send between pages: %v", r)
			}
			w.manual(t, w.rp, w.li, "visit", time.Now().Add(-time.Second), "arrived")
			path = "records?limit=10&cursor=" + url.QueryEscape(next)
		}
		if pages < 3 {
			t.Errorf("%d pages, want at least 3", pages)
		}
		for id, n := range seen {
			if n > 1 {
				t.Errorf("record %d listed %d times", id, n)
			}
		}
		for _, id := range originals {
			if seen[id] != 1 {
				t.Errorf("record %d listed %d times", id, seen[id])
			}
		}
		for _, id := range hiddenIDs {
			if seen[id] != 0 {
				t.Errorf("record %d of an invisible customer listed", id)
			}
			if r := w.e.do(t, "GET", "records/"+itoa(id), nil, w.rp); r.status != 404 {
				t.Errorf("record of an invisible customer: %v", r)
			}
		}
		if r := w.e.do(t, "GET", "customers/"+itoa(hidden.ID)+"/records", nil, w.rp); r.status != 404 {
			t.Errorf("timeline of an invisible customer: %v", r)
		}
		if ids, _ := page(t, w.e, "records?customer_id="+itoa(hidden.ID), w.rp); len(ids) != 0 {
			t.Errorf("filtering on an invisible customer lists %v", ids)
		}
		if ids, _ := page(t, w.e, "records?customer_id="+itoa(hidden.ID), w.adm); len(ids) != len(hiddenIDs) {
			t.Errorf("admin sees %d hidden records, want %d", len(ids), len(hiddenIDs))
		}

		// Filters.
		from, to := base.Add(2*time.Hour).Format(time.RFC3339), base.Add(4*time.Hour).Format(time.RFC3339)
		for q, want := range map[string]int{
			"channel=phone":               25,
			"channel=sms&source=single":   pages - 1,
			"source=manual&channel=visit": pages - 1,
			"status=sent":                 pages - 1,
			"q=CALL 0":                    10,
			"q=summary of call 1":         10,
			"from=" + url.QueryEscape(from) + "&to=" + to:  4,
			"from=2025-06-01T18:00:00 08:00&q=call":        25, // an unencoded + arrives as a space
			"from=2025-06-01T18:00:00%2B08:00&limit=500":   25 + 2*(pages-1),
			"topic_id=" + itoa(w.topic.ID) + "&q=Call":     25,
			"contact_id=" + itoa(w.li.ID) + "&channel=sms": pages - 1,
			"contact_id=" + itoa(w.noMail.ID):              0,
			"user_id=" + itoa(w.rep.ID) + "&channel=phone": 25,
			"user_id=" + itoa(w.admin.ID):                  0,
			"customer_id=" + itoa(w.x.ID) + "&limit=500":   25 + 2*(pages-1),
			"team_id=999999":          0,
			"to=2025-06-01T10:00:00Z": 0,
			"to=2025-06-01T11:00:00Z": 2,
		} {
			ids, _ := page(t, w.e, "records?"+strings.ReplaceAll(q, " ", "%20"), w.rp)
			if len(ids) != want {
				t.Errorf("records?%s: %d records, want %d", q, len(ids), want)
			}
		}
		tl, next := page(t, w.e, "customers/"+itoa(w.x.ID)+"/records?channel=phone&limit=20", w.rp)
		if len(tl) != 20 || next == "" {
			t.Errorf("timeline page: %d records, cursor %q", len(tl), next)
		}
		rest, next := page(t, w.e, "customers/"+itoa(w.x.ID)+"/records?channel=phone&limit=20&cursor="+url.QueryEscape(next), w.rp)
		if len(rest) != 5 || next != "" || slices.ContainsFunc(rest, func(id int64) bool { return slices.Contains(tl, id) }) {
			t.Errorf("timeline second page: %v, cursor %q", rest, next)
		}

		// Bad parameters name themselves.
		for q, field := range map[string]string{
			"channel=fax": "channel", "source=robot": "source", "status=lost": "status", "from=yesterday": "from",
			"from=2025-06-02T00:00:00Z&to=2025-06-01T00:00:00Z": "to", "cursor=nonsense": "cursor", "cursor=a.-1": "cursor",
			"limit=0": "limit", "limit=501": "limit", "customer_id=x": "customer_id", "topic_id=-1": "topic_id",
			"q=%00": "q", "team_id=0": "team_id", "user_id=1.5": "user_id", "contact_id=%ff": "contact_id",
		} {
			r := w.e.do(t, "GET", "records?"+q, nil, w.rp)
			if code, f := r.errCode(t); r.status != 400 || code != "invalid_parameter" || f != field {
				t.Errorf("records?%s: %v, want 400 naming %s", q, r, field)
			}
		}

		// Manual records: the channel, time and permission are checked.
		state := w.state(t)
		for body, field := range map[string]string{
			`{"contact_id":%d,"channel":"fax","contacted_at":"2025-06-01T10:00:00Z","title":"x"}`:                   "channel",
			`{"contact_id":%d,"channel":"phone","contacted_at":"2999-01-01T00:00:00Z","title":"x"}`:                 "contacted_at",
			`{"contact_id":%d,"channel":"phone","contacted_at":"1990-01-01T00:00:00Z","title":"x"}`:                 "contacted_at",
			`{"contact_id":%d,"channel":"phone","contacted_at":"2025-06-01 10:00","title":"x"}`:                     "contacted_at",
			`{"contact_id":%d,"channel":"phone","title":"x"}`:                                                       "contacted_at",
			`{"contact_id":%d,"channel":"phone","contacted_at":"2025-06-01T10:00:00Z","title":" "}`:                 "title",
			`{"contact_id":%d,"channel":"phone","contacted_at":"2025-06-01T10:00:00Z","title":"x","topic_ids":[0]}`: "topic_ids",
			`{"contact_id":%d,"channel":"phone","contacted_at":"2025-06-01T10:00:00Z","title":"x","plan_id":-3}`:    "plan_id",
		} {
			r := w.e.do(t, "POST", "records", fmt.Sprintf(body, w.li.ID), w.rp)
			if code, f := r.errCode(t); r.status != 400 || code != "validation_failed" || f != field {
				t.Errorf("%s: %v, want 400 naming %s", body, r, field)
			}
		}
		if r := w.e.do(t, "POST", "records", `{"channel":"phone","contacted_at":"2025-06-01T10:00:00Z","title":"x"}`, w.rp); r.status != 400 {
			t.Errorf("no contact: %v", r)
		}
		if r := w.e.do(t, "POST", "records", fmt.Sprintf(`{"contact_id":%d,"channel":"phone","contacted_at":"2025-06-01T10:00:00Z","title":"x"}`, hct.ID), w.rp); r.status != 404 {
			t.Errorf("manual record of an invisible contact: %v", r)
		}
		w.e.settings(t, model.VisibilityAll, false)
		if r := w.e.do(t, "POST", "records", fmt.Sprintf(`{"contact_id":%d,"channel":"phone","contacted_at":"2025-06-01T10:00:00Z","title":"x"}`, w.li.ID), w.sr); r.status != 403 {
			t.Errorf("manual record by someone who only sees the customer: %v", r)
		}
		if after := w.state(t); after != state {
			t.Errorf("refused manual records changed data")
		}
	})
}

func TestRecordsExport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newContactWorld(t, s)
		w.e.settings(t, model.VisibilityOwn, false)
		at := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
		a := w.manual(t, w.rp, w.li, "phone", at, "Renewal call")
		b := w.manual(t, w.rp, w.li, "visit", at.Add(time.Hour), `Visit, "quoted"`)
		hidden := w.e.customer(t, &model.Customer{Name: "Hidden Co", Code: "HID"})
		hct := w.e.contact(t, &model.Contact{CustomerID: hidden.ID, Name: "Ghost"})
		w.manual(t, w.adm, hct, "phone", at, "Secret call")

		r := w.e.do(t, "GET", "records/export?format=csv", nil, w.rp, header("Accept-Language", "en"))
		if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("export: %v", r)
		}
		if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="records-`) || !strings.HasSuffix(cd, `.csv"`) {
			t.Errorf("Content-Disposition %q", cd)
		}
		if !strings.HasPrefix(string(r.body), "\uFEFF") {
			t.Errorf("no byte-order mark")
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{
			{"ID", "Contacted at", "Customer", "Contact", "Rep", "Channel", "Source", "Status", "Title", "Topics",
				"Summary", "Subject", "Content", "Address", "Provider", "Provider message ID", "Direction",
				"Channel code", "Source code", "Status code", "Direction code"},
			// Times in the rep's time zone (Asia/Shanghai), newest first;
			// values in the caller's language, codes at the end.
			{itoa(b), "2025-06-01 19:00:00", "恒信科技", "李雷", "王芳", "Visit", "Added by hand", "Done", `Visit, "quoted"`, "Renewal",
				`summary of Visit, "quoted"`, "", "", "", "", "", "Outbound", "visit", "manual", "done", "outbound"},
			{itoa(a), "2025-06-01 18:00:00", "恒信科技", "李雷", "王芳", "Phone call", "Added by hand", "Done", "Renewal call", "Renewal",
				"summary of Renewal call", "", "", "'+8613812345678", "", "", "Outbound", "phone", "manual", "done", "outbound"},
		}
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Errorf("CSV:\n%q\nwant\n%q", rows, want)
		}

		// Chinese by default; filters apply.
		r = w.e.do(t, "GET", "records/export?format=csv&channel=phone", nil, w.rp)
		rows, _ = csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\uFEFF"))).ReadAll()
		if len(rows) != 2 || rows[0][0] != "编号" || rows[1][0] != itoa(a) || rows[1][9] != "续费提醒" {
			t.Errorf("Chinese, filtered CSV: %q", rows)
		}
		// The admin sees the hidden customer's record too.
		r = w.e.do(t, "GET", "records/export?format=csv", nil, w.adm)
		if !strings.Contains(string(r.body), "Secret call") || strings.Count(string(r.body), "\n") != 4 {
			t.Errorf("admin export: %s", r.body)
		}

		r = w.e.do(t, "GET", "records/export?format=xlsx&customer_id="+itoa(w.x.ID), nil, w.rp)
		if r.status != 200 || r.header.Get("Content-Type") != mediaXLSX || !strings.HasPrefix(string(r.body), "PK") ||
			!strings.HasSuffix(r.header.Get("Content-Disposition"), `.xlsx"`) {
			t.Errorf("xlsx export: %d %v", r.status, r.header)
		}
		for q, field := range map[string]string{"": "format", "format=pdf": "format", "format=csv&from=x": "from", "format=csv&source=x": "source"} {
			r := w.e.do(t, "GET", "records/export?"+q, nil, w.rp)
			if code, f := r.errCode(t); r.status != 400 || code != "invalid_parameter" || f != field {
				t.Errorf("export?%s: %v", q, r)
			}
		}
	})
}
