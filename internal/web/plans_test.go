package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/permission"
	"touchbase/internal/record"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// riverTables creates River's tables, where plan reminders are queued
// (serve migrates them; the workers need not run).
func (e *env) riverTables() {
	e.t.Helper()
	must(e.t, jobs.Migrate(context.Background(), e.store))
}

// shanghai is the users' time zone (the default of new accounts).
func shanghai(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	must(t, err)
	return loc
}

// daytime moves every user to a whole-hour time zone (Etc/GMT±N) in which
// it is now between 11:30 and 12:30, and returns it: tests that place plans
// "later today" or "today at 23:30" then hold whenever they run.
func (e *env) daytime() *time.Location {
	e.t.Helper()
	now := time.Now().UTC()
	off := 12 - now.Add(30*time.Minute).Hour() // hours east of UTC
	name := "Etc/GMT"
	if off != 0 {
		name = fmt.Sprintf("Etc/GMT%+d", -off) // the Etc zones' sign is reversed
	}
	loc, err := time.LoadLocation(name)
	must(e.t, err)
	users, err := e.store.ListUsers(context.Background(), storage.UserFilter{})
	must(e.t, err)
	for _, u := range users {
		u.Timezone = name
		must(e.t, e.store.UpdateUser(context.Background(), u))
	}
	return loc
}

// plans returns every stored plan, soonest due first.
func (e *env) plans() []*model.Plan {
	e.t.Helper()
	ps, err := e.store.ListPlans(context.Background(), permission.Policy{Admin: true}, storage.PlanFilter{Limit: 1000})
	must(e.t, err)
	return ps
}

// plan reloads one plan.
func (e *env) plan(id int64) *model.Plan {
	e.t.Helper()
	p, err := e.store.PlanByID(context.Background(), permission.Policy{Admin: true}, id)
	must(e.t, err)
	return p
}

// addPlan stores a plan directly (any due time, past ones too).
func (e *env) addPlan(owner *model.User, c *model.Customer, title string, due time.Time) *model.Plan {
	e.t.Helper()
	p := &model.Plan{OwnerID: owner.ID, CustomerID: c.ID, Title: title, DueAt: due}
	must(e.t, e.store.CreatePlans(context.Background(), []*model.Plan{p}, nil))
	return p
}

// local writes a time as the plan form's datetime-local in Shanghai.
func local(t *testing.T, at time.Time) string { return at.In(shanghai(t)).Format("2006-01-02T15:04") }

func planForm(over url.Values) url.Values {
	v := url.Values{"title": {"续费回访"}, "remind": {"15"}, "notes": {"带上报价"}}
	for k, vs := range over {
		v[k] = vs
	}
	return v
}

var planLink = regexp.MustCompile(`/plans/(\d+)`)

func TestPlanCreate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.riverTables()
		ctx := context.Background()
		topic := &model.Topic{Name: "续费提醒", NameEN: "Renewal", Active: true}
		must(t, s.CreateTopic(ctx, topic))
		wang := e.contactNamed(e.acme.ID, "王小明")
		agent := e.signedIn(t, e.agent1)
		due := time.Now().Add(48 * time.Hour)

		// The customer page offers a plan, per customer and per contact, and lists none yet.
		res := agent.get(fmt.Sprintf("/customers/%d", e.acme.ID))
		for _, want := range []string{`id="plan-customer"`, fmt.Sprintf(`/plans/new?customer_ids=%d&amp;contact_id=%d`, e.acme.ID, wang.ID),
			`id="customer-plans-empty"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("customer page lacks %q", want)
			}
		}
		// The form from a contact row: the contact chosen, due tomorrow at 10:00, owner not offered to a rep.
		res = agent.htmx(fmt.Sprintf("/plans/new?customer_ids=%d&contact_id=%d", e.acme.ID, wang.ID))
		if res.status != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(res.body), "<dialog") ||
			!strings.Contains(res.body, fmt.Sprintf(`<option value="%d" selected>王小明`, wang.ID)) ||
			!strings.Contains(res.body, "T10:00") || strings.Contains(res.body, `name="owner_id"`) {
			t.Fatalf("plan dialog: %d\n%s", res.status, res.body)
		}

		// Create for one customer and contact, from the dialog: the dialog closes, the page's plans refresh.
		res = agent.postDialog("/plans", planForm(url.Values{"customer_ids": {fmt.Sprint(e.acme.ID)}, "contact_id": {fmt.Sprint(wang.ID)},
			"due_at": {local(t, due)}, "topic_ids": {fmt.Sprint(topic.ID)}, "remind": {"custom"}, "remind_custom": {"90"},
			"remind_email": {"on"}, "repeat": {"weekly"}, "weekdays": {"1", "4"}, "repeat_end": {"count"}, "count": {"5"}}))
		if res.status != http.StatusOK || !strings.Contains(res.header.Get("HX-Trigger"), "plansChanged") ||
			!strings.Contains(res.header.Get("HX-Trigger"), "closeDialog") {
			t.Fatalf("create: %d %q\n%s", res.status, res.header.Get("HX-Trigger"), res.body)
		}
		ps := e.plans()
		if len(ps) != 1 {
			t.Fatalf("%d plans, want 1", len(ps))
		}
		p := e.plan(ps[0].ID)
		if p.OwnerID != e.agent1.ID || p.ContactID == nil || *p.ContactID != wang.ID || p.Title != "续费回访" || p.Notes != "带上报价" ||
			p.RemindMinutes == nil || *p.RemindMinutes != 90 || !p.RemindEmail || len(p.TopicIDs) != 1 ||
			p.DueAt.Unix()/60 != due.Unix()/60 || !strings.Contains(p.Recurrence, `"count":5`) {
			t.Errorf("stored plan: %+v", p)
		}
		// Its page says it all, the recurrence in words.
		res = agent.get(fmt.Sprintf("/plans/%d", p.ID))
		for _, want := range []string{"续费回访", "王小明", "提前 90 分钟", "同时发送邮件", "每周周一、周四，共 5 次", "续费提醒",
			fmt.Sprintf(`href="/customers/%d/contact?plan_id=%d"`, e.acme.ID, p.ID), `id="plan-add-record"`, `id="plan-reschedule"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("plan page lacks %q", want)
			}
		}
		agent.lang = "en"
		if res := agent.get(fmt.Sprintf("/plans/%d", p.ID)); !strings.Contains(res.body, "Weekly on Mon, Thu, 5 times") ||
			!strings.Contains(res.body, "90 minutes before") {
			t.Errorf("English plan page:\n%s", res.body)
		}
		agent.lang = ""
		// The customer page lists it as open.
		if res := agent.get(fmt.Sprintf("/customers/%d", e.acme.ID)); !strings.Contains(res.body, fmt.Sprintf(`id="customer-plan-%d"`, p.ID)) {
			t.Error("the customer page does not list its open plan")
		}

		// Without JavaScript: the browser goes to the new plan.
		res = agent.post("/plans", planForm(url.Values{"customer_ids": {fmt.Sprint(e.acme.ID)}, "due_at": {local(t, due)}, "remind": {""}}))
		if res.status != http.StatusSeeOther || !planLink.MatchString(res.header.Get("Location")) {
			t.Fatalf("plain create: %d %q", res.status, res.header.Get("Location"))
		}

		// Many customers ticked on the customer list: one plan each.
		res = agent.get("/customers")
		if !strings.Contains(res.body, `form="plan-many"`) || !strings.Contains(res.body, `id="plan-many"`) {
			t.Error("the customer list offers no ticks for planning many")
		}
		many := fmt.Sprintf("/plans/new?customer_ids=%d&customer_ids=%d", e.acme.ID, e.globex.ID)
		if res := agent.htmx(many); !strings.Contains(res.body, "Acme 贸易") || !strings.Contains(res.body, "Globex 科技") ||
			!strings.Contains(res.body, "创建 2 个计划") || strings.Contains(res.body, `name="contact_id"`) {
			t.Errorf("plan form for many:\n%s", res.body)
		}
		res = agent.postDialog("/plans", planForm(url.Values{"customer_ids": {fmt.Sprint(e.acme.ID), fmt.Sprint(e.globex.ID)},
			"due_at": {local(t, due)}}))
		if res.status != http.StatusOK || !strings.Contains(res.header.Get("HX-Trigger"), "plansChanged") {
			t.Fatalf("create many: %d\n%s", res.status, res.body)
		}
		if n := len(e.plans()); n != 4 {
			t.Errorf("%d plans, want 4", n)
		}
		// Upcoming lists all four.
		res = agent.get("/plans?tab=upcoming")
		if c := strings.Count(res.body, `<tr id="plan-`); c != 4 || !strings.Contains(res.body, "Globex 科技") {
			t.Errorf("upcoming lists %d plans", c)
		}
	})
}

func TestPlanRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.riverTables()
		agent := e.signedIn(t, e.agent1)
		acme := fmt.Sprint(e.acme.ID)
		due := local(t, time.Now().Add(24*time.Hour))
		for _, tc := range []struct {
			name, want string
			form       url.Values
		}{
			{"no title", `id="e-title" role="alert">此项为必填项`, url.Values{"customer_ids": {acme}, "due_at": {due}, "title": {" "}}},
			{"past due", `id="e-due_at" role="alert">该时间已过去`, url.Values{"customer_ids": {acme},
				"due_at": {local(t, time.Now().Add(-2*time.Hour))}}},
			{"unreadable due", `id="e-due_at" role="alert">请输入日期和时间`, url.Values{"customer_ids": {acme}, "due_at": {"next week"}}},
			{"no due", `id="e-due_at" role="alert">`, url.Values{"customer_ids": {acme}, "due_at": {""}}},
			{"bad custom reminder", `id="e-remind_minutes" role="alert">`, url.Values{"customer_ids": {acme}, "due_at": {due},
				"remind": {"custom"}, "remind_custom": {"soon"}}},
			{"reminder too early", `id="e-remind_minutes" role="alert">`, url.Values{"customer_ids": {acme}, "due_at": {due},
				"remind": {"custom"}, "remind_custom": {"99999"}}},
			{"weekly without days", `id="e-recurrence.weekdays" role="alert">请至少勾选一天`, url.Values{"customer_ids": {acme},
				"due_at": {due}, "repeat": {"weekly"}}},
			{"monthly day 40", `id="e-recurrence.month_day" role="alert">`, url.Values{"customer_ids": {acme}, "due_at": {due},
				"repeat": {"monthly"}, "month_day": {"40"}}},
			{"bad until", `id="e-recurrence.until" role="alert">`, url.Values{"customer_ids": {acme}, "due_at": {due},
				"repeat": {"daily"}, "repeat_end": {"until"}, "until": {"later"}}},
			{"no customer", `id="e-customer_ids" role="alert">`, url.Values{"due_at": {due}}},
			{"another customer's contact", `id="e-contact_id" role="alert">`, url.Values{"customer_ids": {fmt.Sprint(e.globex.ID)},
				"contact_id": {fmt.Sprint(e.contactNamed(e.acme.ID, "王小明").ID)}, "due_at": {due}}},
			{"owner not managed", `id="e-owner_id" role="alert">`, url.Values{"customer_ids": {acme}, "due_at": {due},
				"owner_id": {fmt.Sprint(e.agent2.ID)}}},
		} {
			res := agent.postHTMX("/plans", planForm(tc.form))
			if res.status != http.StatusBadRequest || res.header.Get("HX-Retarget") != "#plan-form" || !strings.Contains(res.body, tc.want) {
				t.Errorf("%s: %d %q\n%s", tc.name, res.status, res.header.Get("HX-Retarget"), res.body)
			}
		}
		// A customer the rep may not see is a 404; without the CSRF token nothing happens.
		if res := agent.postHTMX("/plans", planForm(url.Values{"customer_ids": {fmt.Sprint(e.initec.ID)}, "due_at": {due}})); res.status != http.StatusNotFound {
			t.Errorf("invisible customer: %d", res.status)
		}
		if res := agent.htmx(fmt.Sprintf("/plans/new?customer_ids=%d", e.initec.ID)); res.status != http.StatusNotFound {
			t.Errorf("form for an invisible customer: %d", res.status)
		}
		if res := agent.postRaw("/plans", planForm(url.Values{"customer_ids": {acme}, "due_at": {due}}), nil); res.status != http.StatusForbidden {
			t.Errorf("POST without CSRF: %d", res.status)
		}
		// A customer the rep sees but may not contact (visibility all).
		e.settings(model.Settings{Visibility: model.VisibilityAll})
		res := agent.postHTMX("/plans", planForm(url.Values{"customer_ids": {fmt.Sprint(e.initec.ID)}, "due_at": {due}}))
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="e-customer_ids" role="alert">计划负责人无权联系`) {
			t.Errorf("customer not contactable: %d\n%s", res.status, res.body)
		}
		if n := len(e.plans()); n != 0 {
			t.Fatalf("refused forms stored %d plans", n)
		}
	})
}

func TestPlanTabsAndCalendar(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.riverTables()
		ctx := context.Background()
		loc := e.daytime()
		now := time.Now()
		midnight := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 0, 0, 0, 0, loc)
		today := e.addPlan(e.agent1, e.acme, "今日计划", midnight.Add(23*time.Hour+30*time.Minute))
		overdue := e.addPlan(e.agent1, e.acme, "逾期计划", now.Add(-50*time.Hour))
		upcoming := e.addPlan(e.agent1, e.globex, "后续计划", midnight.AddDate(0, 0, 3).Add(9*time.Hour))
		done := e.addPlan(e.agent1, e.acme, "已关计划", now.Add(-72*time.Hour))
		must(t, s.EndPlan(ctx, done.ID, model.PlanClosed, "客户已停业", nil, nil))
		other := e.addPlan(e.agent2, e.globex, "同事计划", midnight.Add(23*time.Hour))
		agent := e.signedIn(t, e.agent1)

		for _, tc := range []struct {
			tab  string
			want *model.Plan
		}{{"today", today}, {"overdue", overdue}, {"upcoming", upcoming}, {"done", done}} {
			res := agent.get("/plans?tab=" + tc.tab)
			if res.status != http.StatusOK || strings.Count(res.body, `<tr id="plan-`) != 1 ||
				!strings.Contains(res.body, fmt.Sprintf(`<tr id="plan-%d"`, tc.want.ID)) {
				t.Errorf("tab %s: %d\n%s", tc.tab, res.status, res.body)
			}
			if strings.Contains(res.body, "同事计划") {
				t.Errorf("tab %s shows another rep's plan", tc.tab)
			}
		}
		res := agent.get("/plans?tab=done")
		if !strings.Contains(res.body, "客户已停业") || !strings.Contains(res.body, `data-state="planstate.closed"`) {
			t.Errorf("done tab lacks the close reason:\n%s", res.body)
		}
		res = agent.get("/plans")
		if !strings.Contains(res.body, `id="tab-today" aria-current="page"`) ||
			!regexp.MustCompile(`id="tab-overdue"[^>]*>已逾期<span class="badge badge-red">1<`).MatchString(res.body) {
			t.Errorf("default tab and counts:\n%s", res.body)
		}
		if strings.Contains(res.body, `id="view-team"`) {
			t.Error("a rep who manages nobody is offered the team view")
		}

		// The calendar places plans on their local days; prev and next month link around.
		month := upcoming.DueAt.In(loc).Format("2006-01")
		res = agent.get("/plans/calendar?month=" + month)
		day := upcoming.DueAt.In(loc).Format("2006-01-02")
		cell := regexp.MustCompile(`data-date="` + day + `">(?s:.*?)</td>`).FindString(res.body)
		if res.status != http.StatusOK || !strings.Contains(cell, fmt.Sprintf(`id="cal-plan-%d"`, upcoming.ID)) || !strings.Contains(cell, "09:00") {
			t.Errorf("calendar cell %s: %q", day, cell)
		}
		if strings.Contains(res.body, "同事计划") {
			t.Error("the calendar shows another rep's plan")
		}
		m, _ := time.ParseInLocation("2006-01", month, loc)
		if !strings.Contains(res.body, "month="+m.AddDate(0, -1, 0).Format("2006-01")) || !strings.Contains(res.body, "month="+m.AddDate(0, 1, 0).Format("2006-01")) {
			t.Error("the calendar lacks its previous and next months")
		}
		if res := agent.get("/plans/calendar?month=1999-99"); res.status != http.StatusOK || !strings.Contains(res.body, now.In(loc).Format("2006-01-02")) {
			t.Errorf("an unreadable month does not show this month: %d", res.status)
		}

		// Another rep's plan is not found, nor any action on it.
		for _, p := range []string{fmt.Sprintf("/plans/%d", other.ID), fmt.Sprintf("/plans/%d/edit", other.ID), fmt.Sprintf("/plans/%d/reschedule", other.ID),
			fmt.Sprintf("/customers/%d/contact?plan_id=%d", e.globex.ID, other.ID)} {
			if res := agent.get(p); res.status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, res.status)
			}
		}
		for _, p := range []string{"cancel", "close", "reassign", "reschedule", ""} {
			path := fmt.Sprintf("/plans/%d/%s", other.ID, p)
			if p == "" {
				path = fmt.Sprintf("/plans/%d", other.ID)
			}
			if res := agent.post(path, url.Values{"reason": {"x"}, "title": {"x"}, "due_at": {local(t, now.Add(time.Hour))},
				"owner_id": {fmt.Sprint(e.agent1.ID)}}); res.status != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", path, res.status)
			}
		}
		if got := e.plan(other.ID); got.Status != model.PlanOpen || got.Title != "同事计划" || got.OwnerID != e.agent2.ID {
			t.Errorf("another rep's plan changed: %+v", got)
		}
	})
}

func TestPlanTeamViewAndReassign(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.riverTables()
		ctx := context.Background()
		east := *e.agent1.TeamID
		lead := e.user("lead", model.RoleAgent, &east)
		agent3 := e.user("agent3", model.RoleAgent, &east)
		must(t, s.UpdateTeam(ctx, &model.Team{ID: east, Name: "East", ManagerID: &lead.ID}))
		must(t, s.SetRelation(ctx, &model.Relation{CustomerID: e.globex.ID, UserID: agent3.ID, Kind: model.RelationParticipant}))
		due := time.Now().Add(30 * time.Hour)
		mine := e.addPlan(e.agent1, e.globex, "共享客户回访", due)
		west := e.addPlan(e.agent2, e.globex, "西区计划", due)
		manager := e.signedIn(t, lead)

		// The manager sees the team's plans, not another team's.
		res := manager.get("/plans?view=team&tab=upcoming")
		if !strings.Contains(res.body, fmt.Sprintf(`<tr id="plan-%d"`, mine.ID)) || strings.Contains(res.body, "西区计划") ||
			!strings.Contains(res.body, "Agent1") {
			t.Errorf("team view:\n%s", res.body)
		}
		if res := manager.get(fmt.Sprintf("/plans?view=team&tab=upcoming&owner=%d", agent3.ID)); strings.Contains(res.body, `<tr id="plan-`) {
			t.Error("the owner filter is ignored")
		}
		if res := manager.get(fmt.Sprintf("/plans?view=team&tab=upcoming&owner=%d", e.agent2.ID)); strings.Contains(res.body, "西区计划") {
			t.Error("filtering by another team's rep shows their plans")
		}
		if res := manager.get(fmt.Sprintf("/plans/%d", west.ID)); res.status != http.StatusNotFound {
			t.Errorf("another team's plan: %d", res.status)
		}
		if res := manager.get(fmt.Sprintf("/plans/%d", mine.ID)); res.status != http.StatusOK || !strings.Contains(res.body, `id="plan-reassign"`) {
			t.Errorf("team member's plan: %d", res.status)
		}
		// A rep may not open the reassignment list.
		if res := e.signedIn(t, e.agent1).get("/plans/reassign"); res.status != http.StatusForbidden {
			t.Errorf("rep's reassignment list: %d", res.status)
		}

		// agent1 loses the right to contact Globex: the plan is listed for reassignment.
		must(t, s.DeleteRelation(ctx, e.globex.ID, e.agent1.ID))
		res = manager.get("/plans/reassign")
		if !strings.Contains(res.body, fmt.Sprintf(`id="reassign-%d"`, mine.ID)) || strings.Contains(res.body, "西区计划") {
			t.Fatalf("reassignment list:\n%s", res.body)
		}
		// To a rep outside the team: refused by the field, nothing changes.
		res = manager.post(fmt.Sprintf("/plans/%d/reassign", mine.ID), url.Values{"owner_id": {fmt.Sprint(e.agent2.ID)}, "from": {"list"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, fmt.Sprintf(`id="e-owner_id-%d"`, mine.ID)) {
			t.Errorf("reassign outside the team: %d\n%s", res.status, res.body)
		}
		// To a team member who may not contact the customer either.
		res = manager.post(fmt.Sprintf("/plans/%d/reassign", mine.ID), url.Values{"owner_id": {fmt.Sprint(lead.ID)}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="e-owner_id" role="alert">`) {
			t.Errorf("reassign to a rep without rights: %d\n%s", res.status, res.body)
		}
		if got := e.plan(mine.ID); got.OwnerID != e.agent1.ID {
			t.Fatalf("refused reassignments changed the owner to %d", got.OwnerID)
		}
		res = manager.post(fmt.Sprintf("/plans/%d/reassign", mine.ID), url.Values{"owner_id": {fmt.Sprint(agent3.ID)}, "from": {"list"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/plans/reassign" {
			t.Fatalf("reassign: %d %q", res.status, res.header.Get("Location"))
		}
		if got := e.plan(mine.ID); got.OwnerID != agent3.ID {
			t.Errorf("owner %d after reassigning, want agent3", got.OwnerID)
		}
		if res := manager.get("/plans/reassign"); !strings.Contains(res.body, `id="reassign-empty"`) {
			t.Error("the reassigned plan is still listed")
		}

		// A manager assigns a new plan to a team member.
		e.settings(model.Settings{Visibility: model.VisibilityAll})
		res = manager.htmx(fmt.Sprintf("/plans/new?customer_ids=%d", e.globex.ID))
		if !strings.Contains(res.body, `name="owner_id"`) || !strings.Contains(res.body, "Agent3") || strings.Contains(res.body, "Agent2") {
			t.Errorf("the manager's owner choices:\n%s", res.body)
		}
		res = manager.post("/plans", planForm(url.Values{"customer_ids": {fmt.Sprint(e.globex.ID)}, "owner_id": {fmt.Sprint(agent3.ID)},
			"due_at": {local(t, due)}}))
		if res.status != http.StatusSeeOther {
			t.Fatalf("manager assigns: %d\n%s", res.status, res.body)
		}
		id := planLink.FindStringSubmatch(res.header.Get("Location"))[1]
		var pid int64
		fmt.Sscan(id, &pid)
		if got := e.plan(pid); got.OwnerID != agent3.ID || got.CreatedBy == nil || *got.CreatedBy != lead.ID {
			t.Errorf("assigned plan: %+v", got)
		}
	})
}

func TestPlanActions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.riverTables()
		loc := shanghai(t)
		agent := e.signedIn(t, e.agent1)
		due := time.Now().Add(48 * time.Hour)
		p := e.addPlan(e.agent1, e.acme, "月度回访", due)
		page := fmt.Sprintf("/plans/%d", p.ID)

		// Edit: a bad form changes nothing; a good one saves.
		if res := agent.htmx(page + "/edit"); res.status != http.StatusOK || !strings.Contains(res.body, `value="月度回访"`) {
			t.Fatalf("edit form: %d", res.status)
		}
		res := agent.postHTMX(page, planForm(url.Values{"title": {""}, "due_at": {local(t, due)}}))
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="e-title"`) || e.plan(p.ID).Title != "月度回访" {
			t.Errorf("bad edit: %d", res.status)
		}
		res = agent.post(page, planForm(url.Values{"title": {"月度回访（改）"}, "due_at": {local(t, due)}, "repeat": {"monthly"},
			"month_day": {"15"}, "repeat_end": {"until"}, "until": {due.AddDate(0, 6, 0).In(loc).Format("2006-01-02")}}))
		if res.status != http.StatusSeeOther || res.header.Get("Location") != page {
			t.Fatalf("edit: %d\n%s", res.status, res.body)
		}
		if res := agent.get(page); !strings.Contains(res.body, "月度回访（改）") || !strings.Contains(res.body, "每月 15 日，截至 "+due.AddDate(0, 6, 0).In(loc).Format("2006-01-02")) {
			t.Errorf("edited plan page:\n%s", res.body)
		}

		// Reschedule: to the past refused; later accepted, with the reminder.
		res = agent.postHTMX(page+"/reschedule", url.Values{"due_at": {local(t, time.Now().Add(-3*time.Hour))}, "remind": {"60"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="e-due_at"`) {
			t.Errorf("reschedule to the past: %d\n%s", res.status, res.body)
		}
		later := due.Add(72 * time.Hour)
		res = agent.post(page+"/reschedule", url.Values{"due_at": {local(t, later)}, "remind": {"1440"}})
		if got := e.plan(p.ID); res.status != http.StatusSeeOther || got.DueAt.Unix()/60 != later.Unix()/60 || *got.RemindMinutes != 1440 {
			t.Errorf("reschedule: %d %+v", res.status, got)
		}

		// Close needs a reason; a recurring plan then rolls to its next occurrence.
		res = agent.post(page+"/close", url.Values{"reason": {" "}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="e-reason" role="alert">请说明关闭计划的原因`) ||
			!strings.Contains(res.body, `<details id="plan-close" open>`) || e.plan(p.ID).Status != model.PlanOpen {
			t.Errorf("close without reason: %d\n%s", res.status, res.body)
		}
		res = agent.post(page+"/close", url.Values{"reason": {"本月已见面"}})
		if res.status != http.StatusSeeOther || e.plan(p.ID).Status != model.PlanClosed {
			t.Fatalf("close: %d", res.status)
		}
		if res := agent.get(page); !strings.Contains(res.body, `id="plan-reason">本月已见面`) || strings.Contains(res.body, `id="plan-contact-now"`) {
			t.Error("the closed plan's page")
		}
		ps := e.plans()
		if len(ps) != 2 || ps[1].Status != model.PlanOpen || ps[1].Occurrence != 2 {
			t.Fatalf("the monthly plan did not roll: %d plans", len(ps))
		}
		// Editing an ended plan is a conflict; cancelling the next ends the series.
		if res := agent.get(page + "/edit"); res.status != http.StatusConflict {
			t.Errorf("edit of a closed plan: %d", res.status)
		}
		res = agent.post(fmt.Sprintf("/plans/%d/cancel", ps[1].ID), url.Values{"reason": {"客户流失"}})
		if res.status != http.StatusSeeOther || e.plan(ps[1].ID).Status != model.PlanCancelled || len(e.plans()) != 2 {
			t.Errorf("cancel: %d", res.status)
		}
		if res := agent.post(fmt.Sprintf("/plans/%d/cancel", ps[1].ID), nil); res.status != http.StatusBadRequest ||
			!strings.Contains(res.body, `id="e-status"`) {
			t.Errorf("cancelling twice: %d", res.status)
		}
	})
}

func TestPlanCompletedByContact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.riverTables()
		ctx := context.Background()
		topic := &model.Topic{Name: "续费提醒", NameEN: "Renewal", Active: true}
		must(t, s.CreateTopic(ctx, topic))
		li := e.contactNamed(e.acme.ID, "Li Lei")
		wang := e.contactNamed(e.acme.ID, "王小明")
		p := &model.Plan{OwnerID: e.agent1.ID, CustomerID: e.acme.ID, ContactID: &wang.ID, Title: "续费回访", TopicIDs: []int64{topic.ID},
			DueAt: time.Now().Add(time.Hour)}
		must(t, s.CreatePlans(ctx, []*model.Plan{p}, nil))
		agent := e.signedIn(t, e.agent1)
		dialog := fmt.Sprintf("/customers/%d/contact", e.acme.ID)

		// Contact now: the dialog is prefilled from the plan and carries it.
		res := agent.htmx(fmt.Sprintf("%s?plan_id=%d", dialog, p.ID))
		for _, want := range []string{`id="plan-banner"`, fmt.Sprintf(`name="plan_id" value="%d"`, p.ID), `value="续费回访"`,
			fmt.Sprintf(`<option value="%d" selected>王小明`, wang.ID), fmt.Sprintf(`name="topic_ids" value="%d" checked`, topic.ID)} {
			if !strings.Contains(res.body, want) {
				t.Errorf("Contact now dialog lacks %q", want)
			}
		}
		// A plan of another customer is not found.
		if res := agent.htmx(fmt.Sprintf("/customers/%d/contact?plan_id=%d", e.globex.ID, p.ID)); res.status != http.StatusNotFound {
			t.Errorf("plan on another customer's dialog: %d", res.status)
		}
		// Picking another contact keeps the plan.
		res = agent.htmxTarget(fmt.Sprintf("%s?plan_id=%d&contact_id=%d&title=x", dialog, p.ID, li.ID), "single-contact-form")
		if !strings.Contains(res.body, fmt.Sprintf(`name="plan_id" value="%d"`, p.ID)) {
			t.Error("changing contact loses the plan")
		}

		// Sending completes it: the record has source plan, the plan is done and links it.
		res = agent.postHTMX(dialog, url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "title": {"续费回访"}, "plan_id": {fmt.Sprint(p.ID)},
			"channels": {"sms"}, "sms_text": {"您好，续费提醒"}})
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="single-contact-done"`) || !strings.Contains(res.body, `id="plan-done-link"`) ||
			!strings.Contains(res.header.Get("HX-Trigger"), "plansChanged") {
			t.Fatalf("send for a plan: %d\n%s", res.status, res.body)
		}
		recs := e.records()
		got := e.plan(p.ID)
		if len(recs) != 1 || recs[0].Source != model.SourcePlan || recs[0].PlanID == nil || *recs[0].PlanID != p.ID ||
			got.Status != model.PlanDone || got.RecordID == nil || *got.RecordID != recs[0].ID {
			t.Fatalf("after the send: plan %+v, records %d", got, len(recs))
		}
		res = agent.get(fmt.Sprintf("/plans/%d", p.ID))
		if !strings.Contains(res.body, fmt.Sprintf(`href="/records/%d" id="plan-record-link"`, recs[0].ID)) || !strings.Contains(res.body, "已完成") ||
			strings.Contains(res.body, `id="plan-contact-now"`) {
			t.Errorf("done plan page:\n%s", res.body)
		}
		if res := agent.get(fmt.Sprintf("/records/%d", recs[0].ID)); !strings.Contains(res.body, fmt.Sprintf(`href="/plans/%d" id="record-plan"`, p.ID)) {
			t.Error("the record does not link its plan")
		}
		if res := agent.get("/plans?tab=done"); !strings.Contains(res.body, fmt.Sprintf(`href="/records/%d" class="plan-record"`, recs[0].ID)) {
			t.Error("the done tab does not link the record")
		}
		// The same plan again: refused by its field, nothing sent.
		res = agent.postHTMX(dialog, url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "title": {"再次"}, "plan_id": {fmt.Sprint(p.ID)},
			"channels": {"sms"}, "sms_text": {"再次"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="e-plan_id" role="alert">该计划已完成或已关闭`) ||
			len(e.records()) != 1 || len(e.outbox()) != 1 {
			t.Errorf("second send for a done plan: %d\n%s", res.status, res.body)
		}

		// A manual record completes a plan too.
		q := &model.Plan{OwnerID: e.agent1.ID, CustomerID: e.acme.ID, Title: "上门拜访", DueAt: time.Now().Add(time.Hour)}
		must(t, s.CreatePlans(ctx, []*model.Plan{q}, nil))
		res = agent.htmx(fmt.Sprintf("/customers/%d/records/new?plan_id=%d", e.acme.ID, q.ID))
		if !strings.Contains(res.body, fmt.Sprintf(`name="plan_id" value="%d"`, q.ID)) || !strings.Contains(res.body, `value="上门拜访"`) {
			t.Errorf("manual record for a plan:\n%s", res.body)
		}
		res = agent.post(fmt.Sprintf("/customers/%d/records", e.acme.ID), url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "channel": {"visit"},
			"contacted_at": {local(t, time.Now().Add(-time.Minute))}, "title": {"上门拜访"}, "plan_id": {fmt.Sprint(q.ID)}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != fmt.Sprintf("/plans/%d", q.ID) {
			t.Fatalf("manual record: %d %q\n%s", res.status, res.header.Get("Location"), res.body)
		}
		if got := e.plan(q.ID); got.Status != model.PlanDone || got.RecordID == nil {
			t.Errorf("the manual record did not complete its plan: %+v", got)
		}
	})
}

func TestHomePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.riverTables()
		ctx := context.Background()
		loc := e.daytime()
		now := time.Now()
		midnight := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 0, 0, 0, 0, loc)
		today := e.addPlan(e.agent1, e.acme, "今天打电话", midnight.Add(23*time.Hour+45*time.Minute))
		e.addPlan(e.agent1, e.acme, "上周的计划", now.Add(-7*24*time.Hour))
		e.addPlan(e.agent1, e.acme, "昨天的计划", now.Add(-30*time.Hour))
		e.addPlan(e.agent2, e.globex, "同事今天的计划", midnight.Add(23*time.Hour))
		wang := e.contactNamed(e.acme.ID, "王小明")
		pol := permission.For(e.agent1, model.Settings{Visibility: model.VisibilityOwn})
		_, err := e.app.Records.AddManual(ctx, pol, record.ManualInput{Common: record.Common{ContactID: wang.ID, Title: "电话回访"},
			Channel: "phone", ContactedAt: now.Add(-time.Hour)})
		must(t, err)
		// Bulk sends under way: the rep's scheduled one, not a colleague's,
		// however many finished sends are newer.
		later := now.Add(48 * time.Hour)
		mine, err := e.app.Bulk.Create(ctx, pol, e.agent1, bulk.Input{Title: "月度关怀短信", SMSText: "您好", ScheduledAt: &later,
			Recipients: storage.RecipientSelection{HasMobile: true}})
		must(t, err)
		must(t, s.CreateContact(ctx, &model.Contact{CustomerID: e.initec.ID, Name: "赵六", Mobile: "+8613700000006"}))
		pol2 := permission.For(e.agent2, model.Settings{Visibility: model.VisibilityOwn})
		_, err = e.app.Bulk.Create(ctx, pol2, e.agent2, bulk.Input{Title: "同事的群发", SMSText: "您好", ScheduledAt: &later,
			Recipients: storage.RecipientSelection{HasMobile: true}})
		must(t, err)
		for i := range 25 {
			b, err := e.app.Bulk.Create(ctx, pol, e.agent1, bulk.Input{Title: fmt.Sprintf("已取消 %d", i), SMSText: "您好", ScheduledAt: &later,
				Recipients: storage.RecipientSelection{HasMobile: true}})
			must(t, err)
			must(t, e.app.Bulk.Cancel(ctx, pol, b.ID))
		}
		_, err = e.app.Notify.Notify(ctx, e.agent1.ID, notify.Message{Kind: model.NotifyPlanReminder, Title: "联系计划提醒：续费",
			Link: fmt.Sprintf("/plans/%d", today.ID)})
		must(t, err)

		agent := e.signedIn(t, e.agent1)
		res := agent.get("/")
		if !strings.Contains(res.body, "月度关怀短信") || !strings.Contains(res.body, fmt.Sprintf("/bulk/%d", mine.ID)) ||
			strings.Contains(res.body, "同事的群发") || strings.Contains(res.body, "已取消 3") {
			t.Error("home's bulk sends under way are not the rep's own live ones")
		}
		if res.status != http.StatusOK {
			t.Fatalf("home: %d", res.status)
		}
		for _, want := range []string{fmt.Sprintf(`<tr id="plan-%d"`, today.ID), fmt.Sprintf(`href="/customers/%d/contact?plan_id=%d"`, e.acme.ID, today.ID),
			`<b id="overdue-count">2</b>`, `href="/plans?tab=overdue"`, "电话回访", "联系计划提醒：续费", `id="nav-plans"`, `id="nav-home" aria-current="page"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("home lacks %q", want)
			}
		}
		if strings.Contains(res.body, "同事今天的计划") || strings.Contains(res.body, "上周的计划") {
			t.Error("home shows plans that are not today's own")
		}
	})
}

// A tab with more plans than a page lists them a page at a time: the next
// page starts after the last plan shown, and every plan shows once.
func TestPlanListPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.riverTables()
		due := time.Now().AddDate(0, 0, 3) // upcoming in any time zone; all due at once, so the id orders them
		var plans []*model.Plan
		for i := range 205 {
			p := &model.Plan{OwnerID: e.agent1.ID, CustomerID: e.acme.ID, Title: fmt.Sprintf("计划%d", i), DueAt: due}
			plans = append(plans, p)
		}
		must(t, e.store.CreatePlans(context.Background(), plans, nil))
		agent := e.signedIn(t, e.agent1)
		rows := regexp.MustCompile(`<tr id="plan-(\d+)"`)
		seen := map[string]int{}
		res := agent.get("/plans?tab=upcoming")
		first := rows.FindAllStringSubmatch(res.body, -1)
		next := regexp.MustCompile(`href="([^"]+)" rel="next" id="plans-next"`).FindStringSubmatch(res.body)
		if res.status != http.StatusOK || len(first) != 200 || next == nil || strings.Contains(res.body, `id="plans-first"`) ||
			!strings.Contains(res.body, `<span class="badge">205</span>`) {
			t.Fatalf("first page: %d, %d rows, next %v\n%s", res.status, len(first), next, res.body)
		}
		res = agent.get(strings.ReplaceAll(next[1], "&amp;", "&"))
		second := rows.FindAllStringSubmatch(res.body, -1)
		if res.status != http.StatusOK || len(second) != 5 || strings.Contains(res.body, `id="plans-next"`) ||
			!strings.Contains(res.body, `id="plans-first"`) {
			t.Fatalf("second page: %d, %d rows\n%s", res.status, len(second), res.body)
		}
		for _, m := range append(first, second...) {
			seen[m[1]]++
		}
		for _, p := range plans {
			if n := seen[fmt.Sprint(p.ID)]; n != 1 {
				t.Errorf("plan %d listed %d times", p.ID, n)
			}
		}
		// A cursor that does not read shows the first page.
		if res := agent.get("/plans?tab=upcoming&after=not-a-cursor"); res.status != http.StatusOK || len(rows.FindAllString(res.body, -1)) != 200 ||
			strings.Contains(res.body, `id="plans-first"`) {
			t.Errorf("an unreadable cursor: %d", res.status)
		}
	})
}

// TestPlanPageMovesOn: the plan form opened as a page of its own
// (/plans/new) posts through htmx like the dialog, but the browser moves on
// to the plan it made, so a second click cannot make another; from a
// dialog the page stays and the dialog closes.
func TestPlanPageMovesOn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		agent := e.signedIn(t, e.agent1)
		due := time.Now().Add(48 * time.Hour)
		form := planForm(url.Values{"customer_ids": {fmt.Sprint(e.acme.ID)}, "due_at": {local(t, due)}, "remind": {""}})

		res := agent.postHTMX("/plans", form)
		ps := e.plans()
		if len(ps) != 1 || res.status != http.StatusOK || res.header.Get("HX-Redirect") != fmt.Sprintf("/plans/%d", ps[0].ID) ||
			strings.Contains(res.header.Get("HX-Trigger"), "closeDialog") {
			t.Fatalf("from the page: %d, redirect %q, trigger %q, %d plans", res.status, res.header.Get("HX-Redirect"), res.header.Get("HX-Trigger"), len(ps))
		}
		res = agent.postDialog("/plans", form)
		if n := len(e.plans()); n != 2 || res.header.Get("HX-Redirect") != "" || !strings.Contains(res.header.Get("HX-Trigger"), "closeDialog") {
			t.Fatalf("from a dialog: %d, redirect %q, trigger %q, %d plans", res.status, res.header.Get("HX-Redirect"), res.header.Get("HX-Trigger"), n)
		}
	})
}
