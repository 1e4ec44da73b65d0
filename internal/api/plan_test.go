package api

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/plan"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// planWorld is a team T managed by mgr with reps rep and rep2, an
// outsider, customer X (exclusive rep: rep) with contact li, and a topic.
type planWorld struct {
	e                          *env
	admin, mgr, rep, rep2, out *model.User
	adm, mg, rp, rp2, ot       reqOpt
	x                          *model.Customer
	li                         *model.Contact
	topic                      *model.Topic
}

func newPlanWorld(t *testing.T, s *storage.Store) *planWorld {
	t.Helper()
	e := newEnv(t, s)
	w := &planWorld{e: e}
	team := &model.Team{Name: "T"}
	if err := s.CreateTeam(t.Context(), team); err != nil {
		t.Fatal(err)
	}
	w.admin = e.user(t, "admin", model.RoleAdmin, nil)
	w.mgr = e.user(t, "mgr", model.RoleAgent, nil)
	w.rep = e.user(t, "rep", model.RoleAgent, team)
	w.rep2 = e.user(t, "rep2", model.RoleAgent, team)
	w.out = e.user(t, "outsider", model.RoleAgent, nil)
	team.ManagerID = &w.mgr.ID
	if err := s.UpdateTeam(t.Context(), team); err != nil {
		t.Fatal(err)
	}
	w.adm, w.mg, w.rp = bearer(e.token(t, w.admin)), bearer(e.token(t, w.mgr)), bearer(e.token(t, w.rep))
	w.rp2, w.ot = bearer(e.token(t, w.rep2)), bearer(e.token(t, w.out))
	e.settings(t, model.VisibilityAll, false)
	w.x = e.customer(t, &model.Customer{Name: "恒信科技", Code: "HX", RepID: &w.rep.ID})
	w.li = e.contact(t, &model.Contact{CustomerID: w.x.ID, Name: "李雷", Mobile: "+8613812345678", Email: "li@example.cn"})
	w.topic = &model.Topic{Name: "续费提醒", NameEN: "Renewal", Active: true}
	if err := s.CreateTopic(t.Context(), w.topic); err != nil {
		t.Fatal(err)
	}
	return w
}

// create posts a plan body and returns the created plans' ids.
func (w *planWorld) create(t *testing.T, who reqOpt, body string) []int64 {
	t.Helper()
	r := w.e.do(t, "POST", "plans", body, who)
	if r.status != 201 {
		t.Fatalf("create %s: %v", body, r)
	}
	var ids []int64
	for _, it := range r.json(t)["items"].([]any) {
		ids = append(ids, int64(it.(map[string]any)["id"].(float64)))
	}
	return ids
}

// get returns a plan as the caller sees it.
func (w *planWorld) get(t *testing.T, who reqOpt, id int64) map[string]any {
	t.Helper()
	r := w.e.do(t, "GET", "plans/"+itoa(id), nil, who)
	if r.status != 200 {
		t.Fatalf("GET plan %d: %v", id, r)
	}
	return r.json(t)
}

// listed returns the ids and total of a plans list.
func (w *planWorld) listed(t *testing.T, who reqOpt, query string) ([]int64, int) {
	t.Helper()
	r := w.e.do(t, "GET", "plans?"+query, nil, who)
	if r.status != 200 {
		t.Fatalf("GET plans?%s: %v", query, r)
	}
	return listedIDs(t, r), int(r.json(t)["total"].(float64))
}

func soon(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339) }

// TestPlanCompletedByRecord: a plan completed by a manual record, and one
// by a single contact, read back done with their record; a recurring plan
// rolls to its next occurrence.
func TestPlanCompletedByRecord(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newPlanWorld(t, s)
		ids := w.create(t, w.rp, fmt.Sprintf(`{"customer_ids":[%d],"contact_id":%d,"title":"回访","topic_ids":[%d],"due_at":%q,"remind_minutes":15}`,
			w.x.ID, w.li.ID, w.topic.ID, soon(time.Hour)))
		pl := w.get(t, w.rp, ids[0])
		if pl["status"] != "open" || pl["record_id"] != nil || pl["customer_name"] != "恒信科技" || pl["contact_name"] != "李雷" ||
			len(pl["topic_ids"].([]any)) != 1 || pl["remind_at"] == nil || pl["overdue"] != false {
			t.Fatalf("new plan: %v", pl)
		}
		r := w.e.do(t, "POST", "records", fmt.Sprintf(`{"contact_id":%d,"channel":"phone","contacted_at":%q,"title":"回访","plan_id":%d}`,
			w.li.ID, soon(-time.Minute), ids[0]), w.rp)
		if r.status != 201 || r.json(t)["source"] != model.SourcePlan {
			t.Fatalf("record for the plan: %v", r)
		}
		rec := r.id(t)
		pl = w.get(t, w.rp, ids[0])
		if pl["status"] != "done" || pl["record_id"] != float64(rec) || pl["completed_at"] == nil || pl["overdue"] != false {
			t.Fatalf("plan after its record: %v", pl)
		}
		// Its manager reads the same; done plans are in the done view.
		if pl := w.get(t, w.mg, ids[0]); pl["record_id"] != float64(rec) {
			t.Fatalf("the manager reads %v", pl)
		}
		if got, _ := w.listed(t, w.rp, "view=done"); !slices.Contains(got, ids[0]) {
			t.Fatalf("done view: %v", got)
		}
		// A second record cannot complete it again.
		if r := w.e.do(t, "POST", "records", fmt.Sprintf(`{"contact_id":%d,"channel":"phone","contacted_at":%q,"title":"x","plan_id":%d}`,
			w.li.ID, soon(-time.Minute), ids[0]), w.rp); r.status != 400 {
			t.Fatalf("second record: %v", r)
		}

		// A weekly plan completed by a single contact: done with the
		// record, and its next occurrence is open a week on.
		due := time.Now().Add(2 * time.Hour).Truncate(time.Second)
		weekly := w.create(t, w.rp, fmt.Sprintf(`{"customer_ids":[%d],"title":"周报","due_at":%q,"recurrence":{"freq":"every_n_days","interval":7,"count":2}}`,
			w.x.ID, due.Format(time.RFC3339)))[0]
		r = w.e.do(t, "POST", contactPath(w.li), fmt.Sprintf(`{"title":"周报","sms":{"text":"您好"},"plan_id":%d}`, weekly), w.rp)
		if r.status != 200 {
			t.Fatalf("single contact for the plan: %v", r)
		}
		sent := r.json(t)["results"].([]any)[0].(map[string]any)["record_id"].(float64)
		if pl := w.get(t, w.rp, weekly); pl["status"] != "done" || pl["record_id"] != sent {
			t.Fatalf("weekly plan after the contact: %v", pl)
		}
		got, _ := w.listed(t, w.rp, "status=open&customer_id="+itoa(w.x.ID))
		if len(got) != 1 {
			t.Fatalf("open plans after rolling: %v", got)
		}
		next := w.get(t, w.rp, got[0])
		if next["occurrence"] != float64(2) || next["series_id"] != float64(weekly) || next["due_at"] != due.AddDate(0, 0, 7).UTC().Format(time.RFC3339) ||
			next["recurrence"].(map[string]any)["interval"] != float64(7) {
			t.Fatalf("next occurrence: %v", next)
		}
	})
}

// TestPlanViews lists the tabs on a controlled clock, in two time zones.
func TestPlanViews(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newPlanWorld(t, s)
		shanghai, _ := time.LoadLocation("Asia/Shanghai")
		var mu sync.Mutex
		cur := time.Date(2099, 6, 15, 7, 0, 0, 0, shanghai)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return cur }
		w.e.app.Plans = plan.NewService(s, w.e.app.Notify, clock)
		at := func(day, hour, min int) string {
			return time.Date(2099, 6, day, hour, min, 0, 0, shanghai).Format(time.RFC3339)
		}
		mk := func(title, due string) int64 {
			return w.create(t, w.rp, fmt.Sprintf(`{"customer_ids":[%d],"title":%q,"due_at":%q}`, w.x.ID, title, due))[0]
		}
		early, late, tomorrow, ended := mk("early", at(15, 8, 0)), mk("late", at(15, 23, 30)), mk("tomorrow", at(16, 0, 30)), mk("ended", at(15, 9, 0))
		if r := w.e.do(t, "POST", "plans/"+itoa(ended)+"/close", `{"reason":"客户已回复"}`, w.rp); r.status != 200 {
			t.Fatalf("close: %v", r)
		}
		mu.Lock()
		cur = time.Date(2099, 6, 15, 10, 0, 0, 0, shanghai)
		mu.Unlock()
		x := "&customer_id=" + itoa(w.x.ID)
		for _, c := range []struct {
			who   reqOpt
			query string
			want  []int64
		}{
			// rep lives in Shanghai: 10:00 on the 15th. "early" (08:00) is
			// overdue, not also today's: the open views part the plans.
			{w.rp, "view=today", []int64{late}},
			{w.rp, "view=overdue", []int64{early}},
			{w.rp, "view=upcoming", []int64{tomorrow}},
			{w.rp, "view=done", []int64{ended}},
			{w.rp, "view=done&status=closed", []int64{ended}},
			{w.rp, "view=done&status=done", nil},
			{w.rp, "", []int64{early, ended, late, tomorrow}},
			{w.rp, "status=open&due_from=" + url.QueryEscape(at(15, 9, 0)) + "&due_to=" + url.QueryEscape(at(16, 0, 30)), []int64{late}},
			{w.rp, "view=today&due_from=" + url.QueryEscape(at(15, 9, 0)), []int64{late}},
			{w.rp, "mine=true", []int64{early, ended, late, tomorrow}},
			{w.rp2, "mine=true", nil},
			{w.mg, "owner_id=" + itoa(w.rep.ID) + "&view=today", []int64{late}},
			{w.ot, "", nil},
		} {
			got, total := w.listed(t, c.who, c.query+x)
			if !slices.Equal(got, c.want) || total != len(c.want) {
				t.Errorf("%s: %v (total %d), want %v", c.query, got, total, c.want)
			}
		}
		// The admin lives in New York: 22:00 on the 14th, so "late" (11:30
		// on the 15th there) is upcoming and "early" (20:00, passed) overdue.
		w.admin.Timezone = "America/New_York"
		if err := s.UpdateUser(t.Context(), w.admin); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string][]int64{"view=today": nil, "view=upcoming": {late, tomorrow}, "view=overdue": {early}} {
			if got, _ := w.listed(t, w.adm, q+x); !slices.Equal(got, want) {
				t.Errorf("admin in New York, %s: %v, want %v", q, got, want)
			}
		}
		// The early plan is overdue in its answers; total counts beyond the limit.
		if pl := w.get(t, w.rp, early); pl["overdue"] != true {
			t.Errorf("early plan: %v", pl)
		}
		if got, total := w.listed(t, w.rp, "limit=2&status=open"+x); len(got) != 2 || total != 3 {
			t.Errorf("limit 2: %v, total %d", got, total)
		}
		// next_cursor walks on to the last page, which has none.
		all, _ := w.listed(t, w.rp, "status=open"+x)
		first := w.e.do(t, "GET", "plans?limit=2&status=open"+x, nil, w.rp)
		cursor, _ := first.json(t)["next_cursor"].(string)
		last := w.e.do(t, "GET", "plans?limit=2&status=open&cursor="+url.QueryEscape(cursor)+x, nil, w.rp)
		if paged := append(listedIDs(t, first), listedIDs(t, last)...); cursor == "" || last.status != 200 ||
			!slices.Equal(paged, all) || last.json(t)["next_cursor"] != nil || last.json(t)["total"] != float64(3) {
			t.Errorf("pages %v then %v (cursor %q), want %v", listedIDs(t, first), last.body, cursor, all)
		}
		// An overdue plan can still be edited, not moved into the past.
		if r := w.e.do(t, "PATCH", "plans/"+itoa(early), `{"notes":"补充"}`, w.rp); r.status != 200 || r.json(t)["notes"] != "补充" {
			t.Errorf("edit an overdue plan: %v", r)
		}
		if r := w.e.do(t, "PATCH", "plans/"+itoa(late), `{"due_at":"`+at(15, 9, 0)+`"}`, w.rp); r.status != 400 {
			t.Errorf("move into the past: %v", r)
		}
		for _, q := range []string{"view=soon", "status=lost", "view=today&status=done", "view=done&status=open", "mine=true&owner_id=1",
			"due_from=yesterday", "due_from=" + url.QueryEscape(at(16, 0, 0)) + "&due_to=" + url.QueryEscape(at(15, 0, 0)), "limit=0",
			"limit=1001", "owner_id=-1", "team_id=x", "cursor=not-a-cursor"} {
			if r := w.e.do(t, "GET", "plans?"+q, nil, w.rp); r.status != 400 {
				t.Errorf("GET plans?%s: %v", q, r)
			}
		}
	})
}

// TestPlanActions edits, reschedules, cancels, closes and reassigns plans,
// and lists those whose owner lost the customer.
func TestPlanActions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newPlanWorld(t, s)
		y := w.e.customer(t, &model.Customer{Name: "远航物流", Code: "YH", RepID: &w.rep.ID})
		// Two customers at once, assigned by the manager to rep.
		ids := w.create(t, w.mg, fmt.Sprintf(`{"owner_id":%d,"customer_ids":[%d,%d,%d],"title":"季度回访","notes":"n","due_at":%q,"remind_minutes":60,"remind_email":true}`,
			w.rep.ID, w.x.ID, y.ID, w.x.ID, soon(3*time.Hour)))
		if len(ids) != 2 {
			t.Fatalf("one plan per distinct customer: %v", ids)
		}
		p := w.get(t, w.rp, ids[0])
		if p["owner_id"] != float64(w.rep.ID) || p["created_by"] != float64(w.mgr.ID) || p["remind_email"] != true {
			t.Fatalf("assigned plan: %v", p)
		}
		path := "plans/" + itoa(ids[0])
		// PATCH changes only what it names; PUT resets what it leaves out.
		r := w.e.do(t, "PATCH", path, fmt.Sprintf(`{"title":"改名","topic_ids":[%d],"recurrence":{"freq":"monthly","month_day":31,"until":"2099-12-31"}}`, w.topic.ID), w.rp)
		if m := r.json(t); r.status != 200 || m["title"] != "改名" || m["notes"] != "n" || m["remind_minutes"] != float64(60) ||
			len(m["topic_ids"].([]any)) != 1 || m["recurrence"].(map[string]any)["month_day"] != float64(31) {
			t.Fatalf("PATCH: %v", r)
		}
		r = w.e.do(t, "PUT", path, fmt.Sprintf(`{"title":"替换","due_at":%q}`, soon(4*time.Hour)), w.rp)
		if m := r.json(t); r.status != 200 || m["notes"] != "" || m["remind_minutes"] != nil || m["remind_at"] != nil ||
			m["recurrence"] != nil || len(m["topic_ids"].([]any)) != 0 {
			t.Fatalf("PUT: %v", r)
		}
		// Reschedule: an absent lead time is kept, null removes it.
		r = w.e.do(t, "POST", path+"/reschedule", fmt.Sprintf(`{"due_at":%q,"remind_minutes":30}`, soon(5*time.Hour)), w.rp)
		if r.status != 200 || r.json(t)["remind_minutes"] != float64(30) {
			t.Fatalf("reschedule: %v", r)
		}
		r = w.e.do(t, "POST", path+"/reschedule", fmt.Sprintf(`{"due_at":%q}`, soon(6*time.Hour)), w.rp)
		if r.status != 200 || r.json(t)["remind_minutes"] != float64(30) {
			t.Fatalf("reschedule keeping the lead time: %v", r)
		}
		r = w.e.do(t, "POST", path+"/reschedule", fmt.Sprintf(`{"due_at":%q,"remind_minutes":null}`, soon(6*time.Hour)), w.rp)
		if r.status != 200 || r.json(t)["remind_minutes"] != nil {
			t.Fatalf("reschedule without a reminder: %v", r)
		}
		// Reassign within the manager's team; the outsider is refused.
		if r := w.e.do(t, "POST", path+"/reassign", fmt.Sprintf(`{"owner_id":%d}`, w.out.ID), w.mg); r.status != 400 {
			t.Fatalf("reassign outside the team: %v", r)
		}
		if r := w.e.do(t, "POST", path+"/reassign", fmt.Sprintf(`{"owner_id":%d}`, w.rep2.ID), w.mg); r.status != 400 {
			t.Fatalf("reassign to a rep who may not contact X: %v", r) // rep2 has no relation to X
		}
		if err := s.SetRelation(t.Context(), &model.Relation{CustomerID: w.x.ID, UserID: w.rep2.ID, Kind: model.RelationSharer}); err != nil {
			t.Fatal(err)
		}
		r = w.e.do(t, "POST", path+"/reassign", fmt.Sprintf(`{"owner_id":%d}`, w.rep2.ID), w.mg)
		if r.status != 200 || r.json(t)["owner_id"] != float64(w.rep2.ID) {
			t.Fatalf("reassign: %v", r)
		}
		if r := w.e.do(t, "GET", path, nil, w.rp); r.status != 404 {
			t.Fatalf("the former owner still sees it: %v", r)
		}
		// rep2 loses X: the plan needs reassignment, for the manager and admins.
		if err := s.DeleteRelation(t.Context(), w.x.ID, w.rep2.ID); err != nil {
			t.Fatal(err)
		}
		for who, want := range map[*reqOpt][]int64{&w.mg: {ids[0]}, &w.adm: {ids[0]}, &w.rp2: {ids[0]}, &w.rp: nil, &w.ot: nil} {
			r := w.e.do(t, "GET", "plans/needing-reassignment", nil, *who)
			if got := listedIDs(t, r); r.status != 200 || !slices.Equal(got, want) {
				t.Errorf("needing reassignment: %v, want %v", r, want)
			}
		}
		if r := w.e.do(t, "POST", path+"/reassign", fmt.Sprintf(`{"owner_id":%d}`, w.rep.ID), w.mg); r.status != 200 {
			t.Fatalf("reassign back: %v", r)
		}
		// Cancel, then every change of the ended plan is a 409.
		r = w.e.do(t, "POST", path+"/cancel", `{"reason":"客户取消"}`, w.rp)
		if m := r.json(t); r.status != 200 || m["status"] != "cancelled" || m["close_reason"] != "客户取消" {
			t.Fatalf("cancel: %v", r)
		}
		for _, c := range [][3]string{{"POST", "/cancel", `{}`}, {"POST", "/close", `{"reason":"x"}`},
			{"POST", "/reschedule", `{"due_at":"` + soon(time.Hour) + `"}`}, {"POST", "/reassign", `{"owner_id":` + itoa(w.rep.ID) + `}`},
			{"PATCH", "", `{"notes":"x"}`}} {
			if r := w.e.do(t, c[0], path+c[1], c[2], w.rp); r.status != 409 {
				code, field := r.errCode(t)
				t.Errorf("%s %s on a cancelled plan: %d %s %s", c[0], c[1], r.status, code, field)
			}
		}
		// Close a daily plan of two occurrences: the next one is answered,
		// closing that one ends the series.
		daily := w.create(t, w.rp, fmt.Sprintf(`{"customer_ids":[%d],"title":"日报","due_at":%q,"recurrence":{"freq":"daily","count":2}}`, y.ID, soon(time.Hour)))[0]
		r = w.e.do(t, "POST", "plans/"+itoa(daily)+"/close", `{"reason":"今天不用"}`, w.rp)
		m := r.json(t)
		if r.status != 200 || m["plan"].(map[string]any)["status"] != "closed" || m["next"] == nil {
			t.Fatalf("close a daily plan: %v", r)
		}
		next := m["next"].(map[string]any)
		if next["occurrence"] != float64(2) || next["status"] != "open" || next["customer_name"] != "远航物流" {
			t.Fatalf("next occurrence: %v", next)
		}
		r = w.e.do(t, "POST", "plans/"+itoa(int64(next["id"].(float64)))+"/close", `{"reason":"结束"}`, w.rp)
		if r.status != 200 || r.json(t)["next"] != nil {
			t.Fatalf("close the last occurrence: %v", r)
		}
	})
}

// TestMalformedPlanBodies feeds broken bodies to every plan endpoint that
// takes one: each is a 400 naming the field, and nothing changes.
func TestMalformedPlanBodies(t *testing.T) {
	t.Parallel()
	type tc struct{ name, body, code, field string }
	past := soon(-time.Hour)
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newPlanWorld(t, s)
		id := w.create(t, w.rp, fmt.Sprintf(`{"customer_ids":[%d],"title":"x","due_at":%q,"remind_minutes":5}`, w.x.ID, soon(time.Hour)))[0]
		other := w.e.customer(t, &model.Customer{Name: "Other", Code: "O"})
		otherCt := w.e.contact(t, &model.Contact{CustomerID: other.ID, Name: "Zhang"})
		x, li, due := itoa(w.x.ID), itoa(w.li.ID), soon(2*time.Hour)
		var ids []string
		for i := range 1001 {
			ids = append(ids, strconv.Itoa(i+1))
		}
		many := strings.Join(ids, ",")
		shared := []tc{
			{"empty", "", "empty_body", ""},
			{"null", "null", "invalid_json", ""},
			{"array", `[{"title":"x"}]`, "invalid_json", ""},
			{"truncated", `{"title":"x"`, "invalid_json", "title"},
			{"trailing data", `{"title":"x","due_at":"` + due + `"} {}`, "invalid_json", ""},
			{"invalid UTF-8", "{\"title\":\"\xff\"}", "invalid_utf8", "title"},
		}
		fields := []tc{
			{"number title", `{"title":5,"due_at":"` + due + `"}`, "invalid_type", "title"},
			{"NUL title", `{"title":"a\u0000","due_at":"` + due + `"}`, "invalid_text", "title"},
			{"no title", `{"title":"  ","due_at":"` + due + `"}`, "validation_failed", "title"},
			{"long title", `{"title":"` + strings.Repeat("长", 201) + `","due_at":"` + due + `"}`, "validation_failed", "title"},
			{"no due time", `{"title":"x"}`, "validation_failed", "due_at"},
			{"number due time", `{"title":"x","due_at":1767225600}`, "invalid_type", "due_at"},
			{"bad due time", `{"title":"x","due_at":"tomorrow 9am"}`, "validation_failed", "due_at"},
			{"due in the past", `{"title":"x","due_at":"` + past + `"}`, "validation_failed", "due_at"},
			{"negative reminder", `{"title":"x","due_at":"` + due + `","remind_minutes":-1}`, "validation_failed", "remind_minutes"},
			{"reminder too early", `{"title":"x","due_at":"` + due + `","remind_minutes":43201}`, "validation_failed", "remind_minutes"},
			{"fraction reminder", `{"title":"x","due_at":"` + due + `","remind_minutes":1.5}`, "invalid_type", "remind_minutes"},
			{"string flag", `{"title":"x","due_at":"` + due + `","remind_email":"yes"}`, "invalid_type", "remind_email"},
			{"string topics", `{"title":"x","due_at":"` + due + `","topic_ids":"1"}`, "invalid_type", "topic_ids"},
			{"unknown topic", `{"title":"x","due_at":"` + due + `","topic_ids":[999999]}`, "validation_failed", "topic_ids"},
			{"too many topics", `{"title":"x","due_at":"` + due + `","topic_ids":[` + strings.Repeat("1,", 100) + `1]}`, "validation_failed", "topic_ids"},
			{"zero contact", `{"title":"x","due_at":"` + due + `","contact_id":0}`, "validation_failed", "contact_id"},
			{"another customer's contact", `{"title":"x","due_at":"` + due + `","contact_id":` + itoa(otherCt.ID) + `}`, "validation_failed", "contact_id"},
			{"unknown frequency", `{"title":"x","due_at":"` + due + `","recurrence":{"freq":"hourly"}}`, "validation_failed", "recurrence.freq"},
			{"weekly without days", `{"title":"x","due_at":"` + due + `","recurrence":{"freq":"weekly"}}`, "validation_failed", "recurrence.weekdays"},
			{"day 7", `{"title":"x","due_at":"` + due + `","recurrence":{"freq":"weekly","weekdays":[7]}}`, "validation_failed", "recurrence.weekdays"},
			{"month day 0", `{"title":"x","due_at":"` + due + `","recurrence":{"freq":"monthly"}}`, "validation_failed", "recurrence.month_day"},
			{"no interval", `{"title":"x","due_at":"` + due + `","recurrence":{"freq":"every_n_days"}}`, "validation_failed", "recurrence.interval"},
			{"negative count", `{"title":"x","due_at":"` + due + `","recurrence":{"freq":"daily","count":-1}}`, "validation_failed", "recurrence.count"},
			{"bad until", `{"title":"x","due_at":"` + due + `","recurrence":{"freq":"daily","until":"someday"}}`, "validation_failed", "recurrence.until"},
			{"string recurrence", `{"title":"x","due_at":"` + due + `","recurrence":"daily"}`, "invalid_type", "recurrence"},
			{"unknown rule member", `{"title":"x","due_at":"` + due + `","recurrence":{"freq":"daily","every":2}}`, "unknown_field", "every"},
			{"NUL in the rule", `{"title":"x","due_at":"` + due + `","recurrence":{"freq":"daily","until":"\u0000"}}`, "invalid_text", "recurrence.until"},
			{"status is not writable", `{"title":"x","due_at":"` + due + `","status":"done"}`, "unknown_field", "status"},
		}
		create := []tc{
			{"no customer", `{"title":"x","due_at":"` + due + `"}`, "validation_failed", "customer_ids"},
			{"empty customers", `{"customer_ids":[],"title":"x","due_at":"` + due + `"}`, "validation_failed", "customer_ids"},
			{"zero customer", `{"customer_ids":[0],"title":"x","due_at":"` + due + `"}`, "validation_failed", "customer_ids"},
			{"string customers", `{"customer_ids":"` + x + `","title":"x","due_at":"` + due + `"}`, "invalid_type", "customer_ids"},
			{"too many customers", `{"customer_ids":[` + many + `],"title":"x","due_at":"` + due + `"}`, "validation_failed", "customer_ids"},
			{"many repeats", `{"customer_ids":[` + strings.Repeat(x+",", 100000) + x + `],"title":"x","due_at":"` + due + `"}`, "validation_failed", "customer_ids"},
			{"not the rep's customer", `{"customer_ids":[` + itoa(other.ID) + `],"title":"x","due_at":"` + due + `"}`, "validation_failed", "customer_ids"},
			{"contact with two customers", `{"customer_ids":[` + x + `,` + itoa(other.ID) + `],"contact_id":` + li + `,"title":"x","due_at":"` + due + `"}`, "validation_failed", "contact_id"},
			{"zero owner", `{"owner_id":0,"customer_ids":[` + x + `],"title":"x","due_at":"` + due + `"}`, "validation_failed", "owner_id"},
			{"owner not managed", `{"owner_id":` + itoa(w.rep2.ID) + `,"customer_ids":[` + x + `],"title":"x","due_at":"` + due + `"}`, "validation_failed", "owner_id"},
		}
		actions := []struct {
			path string
			tc
		}{
			{"/reschedule", tc{"no due time", `{}`, "validation_failed", "due_at"}},
			{"/reschedule", tc{"bad due time", `{"due_at":"soon"}`, "validation_failed", "due_at"}},
			{"/reschedule", tc{"in the past", `{"due_at":"` + past + `"}`, "validation_failed", "due_at"}},
			{"/reschedule", tc{"negative reminder", `{"due_at":"` + due + `","remind_minutes":-5}`, "validation_failed", "remind_minutes"}},
			{"/reschedule", tc{"string reminder", `{"due_at":"` + due + `","remind_minutes":"5"}`, "invalid_type", "remind_minutes"}},
			{"/reschedule", tc{"unknown field", `{"due_at":"` + due + `","title":"x"}`, "unknown_field", "title"}},
			{"/cancel", tc{"number reason", `{"reason":5}`, "invalid_type", "reason"}},
			{"/cancel", tc{"long reason", `{"reason":"` + strings.Repeat("a", 1001) + `"}`, "validation_failed", "reason"}},
			{"/close", tc{"no reason", `{}`, "validation_failed", "reason"}},
			{"/close", tc{"blank reason", `{"reason":"  "}`, "validation_failed", "reason"}},
			{"/close", tc{"NUL reason", `{"reason":"\u0000"}`, "invalid_text", "reason"}},
			{"/close", tc{"unknown field", `{"reason":"x","next":false}`, "unknown_field", "next"}},
			{"/reassign", tc{"no owner", `{}`, "validation_failed", "owner_id"}},
			{"/reassign", tc{"string owner", `{"owner_id":"3"}`, "invalid_type", "owner_id"}},
			{"/reassign", tc{"negative owner", `{"owner_id":-3}`, "validation_failed", "owner_id"}},
			{"/reassign", tc{"not managed", `{"owner_id":` + itoa(w.out.ID) + `}`, "validation_failed", "owner_id"}},
		}
		state := func() string {
			return counts(t, s) + dump(t, s, `SELECT * FROM plans ORDER BY id`) + dump(t, s, `SELECT * FROM plan_topics ORDER BY plan_id, topic_id`) +
				dump(t, s, `SELECT id, kind, args FROM river_job ORDER BY id`)
		}
		check := func(method, path string, c tc) {
			t.Helper()
			before := state()
			r := w.e.do(t, method, path, c.body, w.rp)
			code, field := r.errCode(t)
			if r.status != 400 || code != c.code || field != c.field {
				t.Errorf("%s %s %s: %d %s field %q, want 400 %s field %q\n%.300s", method, path, c.name, r.status, code, field, c.code, c.field, r.body)
			}
			if after := state(); after != before {
				t.Errorf("%s %s %s: data changed", method, path, c.name)
			}
		}
		for _, c := range append(append([]tc{}, shared...), fields...) {
			check("PUT", "plans/"+itoa(id), c)
			if c.name != "no due time" { // PATCH keeps the due time
				check("PATCH", "plans/"+itoa(id), c)
			}
			if c.code == "invalid_json" || c.code == "empty_body" || c.code == "invalid_utf8" {
				check("POST", "plans", c)
				continue
			}
			c.body = `{"customer_ids":[` + x + `],` + c.body[1:]
			check("POST", "plans", c)
		}
		for _, c := range create {
			check("POST", "plans", c)
		}
		for _, a := range actions {
			check("POST", "plans/"+itoa(id)+a.path, a.tc)
		}
		for _, a := range []string{"/reschedule", "/cancel", "/close", "/reassign"} {
			for _, c := range shared[:4] {
				check("POST", "plans/"+itoa(id)+a, c)
			}
		}
		// Bad ids are 400, invisible plans 404 before their body is read.
		for _, p := range []string{"plans/0", "plans/x"} {
			if r := w.e.do(t, "GET", p, nil, w.rp); r.status != 400 {
				t.Errorf("GET %s: %v", p, r)
			}
		}
		if r := w.e.do(t, "POST", "plans/"+itoa(id)+"/close", `{"reason":5}`, w.ot); r.status != 404 {
			t.Errorf("an outsider's bad body: %v", r)
		}
	})
}
