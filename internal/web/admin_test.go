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

func TestAdminPagesForbiddenToAgents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		agent := e.signedIn(t, e.agent1)
		for _, p := range []string{"/admin", "/admin/users", "/admin/users/new", fmt.Sprintf("/admin/users/%d", e.agent2.ID),
			"/admin/teams", "/admin/topics", "/admin/settings", "/admin/import"} {
			if res := agent.get(p); res.status != http.StatusForbidden || !strings.Contains(res.body, "无权操作") {
				t.Errorf("agent GET %s: %d, want the 403 page", p, res.status)
			}
		}
		for p, form := range map[string]url.Values{
			"/admin/users":    {"username": {"mallory"}, "password": {"password1"}, "role": {"admin"}},
			"/admin/topics":   {"name": {"偷偷"}},
			"/admin/settings": {"visibility": {"all"}, "default_region": {"CN"}},
			fmt.Sprintf("/admin/users/%d", e.agent1.ID): {"role": {"admin"}, "active": {"on"}},
		} {
			if res := agent.post(p, form); res.status != http.StatusForbidden {
				t.Errorf("agent POST %s: %d, want 403", p, res.status)
			}
		}
		ctx := context.Background()
		if _, err := s.UserByUsername(ctx, "mallory"); err != model.ErrNotFound {
			t.Errorf("agent created a user: %v", err)
		}
		if u, _ := s.UserByID(ctx, e.agent1.ID); u.IsAdmin() {
			t.Error("agent promoted themselves")
		}
		if st, _ := s.Settings(ctx); st.Visibility != model.VisibilityOwn {
			t.Errorf("agent changed visibility to %s", st.Visibility)
		}
		// The navigation does not offer settings to agents.
		if res := agent.get("/customers"); strings.Contains(res.body, `href="/admin/users"`) {
			t.Error("agents see the settings link")
		}
	})
}

func TestAdminUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		admin := e.signedIn(t, e.admin)
		admin.lang = "en"
		if res := admin.get("/admin/users"); res.status != http.StatusOK || !strings.Contains(res.body, "agent2") {
			t.Fatalf("users page: %d", res.status)
		}
		if res := admin.htmx("/admin/users/new"); !strings.HasPrefix(strings.TrimSpace(res.body), "<dialog") {
			t.Fatalf("new user dialog:\n%s", res.body)
		}
		res := admin.postHTMX("/admin/users", url.Values{"username": {"agent1"}, "password": {"short"}, "role": {"agent"}, "email": {"nope"}})
		if res.status != http.StatusBadRequest || res.header.Get("HX-Retarget") != "#user-form" {
			t.Fatalf("bad user: %d %q", res.status, res.header.Get("HX-Retarget"))
		}
		for _, msg := range []string{"Use at least 8 characters.", "This is not a valid e-mail address."} {
			if !strings.Contains(res.body, msg) {
				t.Errorf("bad user form lacks %q", msg)
			}
		}
		res = admin.postHTMX("/admin/users", url.Values{"username": {"agent1"}, "password": {"long enough"}, "role": {"agent"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "This username is already taken.") {
			t.Errorf("taken username: %d", res.status)
		}
		res = admin.postHTMX("/admin/users", url.Values{"username": {"carol"}, "password": {"long enough"}, "role": {"agent"},
			"display_name": {"Carol"}, "active": {"on"}, "language": {"en"}, "timezone": {"Europe/London"}})
		if res.status != http.StatusOK || res.header.Get("HX-Redirect") != "/admin/users" {
			t.Fatalf("create user: %d %q\n%s", res.status, res.header.Get("HX-Redirect"), res.body)
		}
		carol, err := s.UserByUsername(ctx, "carol")
		if err != nil || !carol.Active || carol.Language != "en" || carol.Timezone != "Europe/London" {
			t.Fatalf("carol: %+v %v", carol, err)
		}

		// Edit role, team and status; then reset the password.
		page := fmt.Sprintf("/admin/users/%d", carol.ID)
		admin.get(page)
		res = admin.post(page, url.Values{"display_name": {"Carol C"}, "role": {"admin"}, "language": {""}, "timezone": {"Asia/Shanghai"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("update user: %d\n%s", res.status, res.body)
		}
		carol, _ = s.UserByID(ctx, carol.ID)
		if !carol.IsAdmin() || carol.Active || carol.DisplayName != "Carol C" {
			t.Errorf("updated carol: %+v", carol)
		}
		res = admin.post(fmt.Sprintf("/admin/users/%d", e.admin.ID), url.Values{"role": {"agent"}, "active": {"on"}, "timezone": {"UTC"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "You cannot demote or deactivate yourself.") {
			t.Errorf("self demotion: %d", res.status)
		}
		res = admin.post(page+"/password", url.Values{"password": {"123"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "Use at least 8 characters.") {
			t.Errorf("short password: %d", res.status)
		}
		res = admin.post(fmt.Sprintf("/admin/users/%d/password", e.agent2.ID), url.Values{"password": {"new password 2"}})
		if res.status != http.StatusSeeOther {
			t.Errorf("reset password: %d", res.status)
		}
		if _, err := e.app.Auth.Login(ctx, "agent2", "new password 2", "10.0.0.1"); err != nil {
			t.Errorf("login with the reset password: %v", err)
		}
	})
}

func TestAdminTeamsTopicsSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		admin := e.signedIn(t, e.admin)
		admin.get("/admin/teams")

		res := admin.postHTMX("/admin/teams", url.Values{"name": {"East"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "该名称已被使用") {
			t.Errorf("duplicate team: %d\n%s", res.status, res.body)
		}
		res = admin.postHTMX("/admin/teams", url.Values{"name": {"North"}, "manager_id": {fmt.Sprint(e.agent2.ID)}})
		if res.status != http.StatusOK {
			t.Fatalf("create team: %d", res.status)
		}
		teams, _ := s.ListTeams(ctx)
		var north *model.Team
		for _, tm := range teams {
			if tm.Name == "North" {
				north = tm
			}
		}
		if north == nil || north.ManagerID == nil || *north.ManagerID != e.agent2.ID {
			t.Fatalf("north: %+v", north)
		}
		if res := admin.htmx(fmt.Sprintf("/admin/teams/%d/edit", north.ID)); !strings.Contains(res.body, `value="North"`) {
			t.Errorf("team dialog:\n%s", res.body)
		}
		admin.postHTMX(fmt.Sprintf("/admin/teams/%d", north.ID), url.Values{"name": {"North 2"}})
		if tm, _ := s.TeamByID(ctx, north.ID); tm.Name != "North 2" || tm.ManagerID != nil {
			t.Errorf("renamed team: %+v", tm)
		}
		if res := admin.get("/admin/teams"); !strings.Contains(res.body, "North 2") {
			t.Error("teams page lacks the renamed team")
		}
		// A monthly budget in yuan; one that is not an amount is refused.
		if res := admin.postHTMX(fmt.Sprintf("/admin/teams/%d", north.ID), url.Values{"name": {"North 2"}, "monthly_budget": {"五百"}}); res.status != http.StatusBadRequest ||
			!strings.Contains(res.body, `id="f-monthly_budget"`) {
			t.Errorf("bad budget: %d", res.status)
		}
		admin.postHTMX(fmt.Sprintf("/admin/teams/%d", north.ID), url.Values{"name": {"North 2"}, "monthly_budget": {"1,500.50"}})
		if tm, _ := s.TeamByID(ctx, north.ID); tm.MonthlyBudget.String() != "1500.50" {
			t.Errorf("budget: %s", tm.MonthlyBudget)
		}

		// Topics: a CSRF-less POST changes nothing; a good one creates.
		res = admin.postRaw("/admin/topics", url.Values{"name": {"续费提醒"}}, nil)
		if topics, _ := s.ListTopics(ctx, false); res.status != http.StatusForbidden || len(topics) != 0 {
			t.Fatalf("POST without CSRF: %d, %d topics", res.status, len(topics))
		}
		res = admin.postHTMX("/admin/topics", url.Values{"name": {"续费提醒"}, "name_en": {"Renewal"}, "sort_order": {"20"}, "active": {"on"}})
		if res.status != http.StatusOK {
			t.Fatalf("create topic: %d", res.status)
		}
		topics, _ := s.ListTopics(ctx, false)
		if len(topics) != 1 || topics[0].NameEN != "Renewal" || topics[0].SortOrder != 20 || !topics[0].Active {
			t.Fatalf("topics: %+v", topics)
		}
		res = admin.postHTMX(fmt.Sprintf("/admin/topics/%d", topics[0].ID), url.Values{"name": {""}, "sort_order": {"5"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "此项为必填项") {
			t.Errorf("empty topic name: %d", res.status)
		}
		admin.postHTMX(fmt.Sprintf("/admin/topics/%d", topics[0].ID), url.Values{"name": {"续费"}, "sort_order": {"5"}})
		if tp, _ := s.TopicByID(ctx, topics[0].ID); tp.Name != "续费" || tp.Active || tp.SortOrder != 5 {
			t.Errorf("retired topic: %+v", tp)
		}

		// Settings.
		admin.get("/admin/settings")
		res = admin.post("/admin/settings", url.Values{"visibility": {"all"}, "default_region": {"ZZ"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "未知地区代码") {
			t.Errorf("bad region: %d", res.status)
		}
		for words, want := range map[string]string{"": "至少保留一个退订关键词", "R, ！！": "至少要包含一个文字"} {
			res = admin.post("/admin/settings", url.Values{"visibility": {"all"}, "default_region": {"CN"}, "opt_out_keywords": {words}})
			if st, _ := s.Settings(ctx); res.status != http.StatusBadRequest || !strings.Contains(res.body, want) || st.Visibility == "all" {
				t.Errorf("keywords %q: %d, visibility %s", words, res.status, st.Visibility)
			}
		}
		for field, v := range map[string]string{"canary_percent": "60", "canary_max": "很多", "failure_pause_percent": "0"} {
			res = admin.post("/admin/settings", url.Values{"visibility": {"all"}, "default_region": {"CN"}, "opt_out_keywords": {"R"}, field: {v}})
			if st, _ := s.Settings(ctx); res.status != http.StatusBadRequest || !strings.Contains(res.body, "之间的整数") || st.Visibility == "all" {
				t.Errorf("%s=%s: %d, visibility %s", field, v, res.status, st.Visibility)
			}
		}
		res = admin.post("/admin/settings", url.Values{"visibility": {"team"}, "default_region": {"CN"}, "opt_out_keywords": {"R"},
			"canary_percent": {"5"}, "canary_max": {"500"}, "failure_pause_percent": {"20"}})
		if st, _ := s.Settings(ctx); res.status != http.StatusSeeOther || st.CanaryPercent != 5 || st.CanaryMax != 500 || st.FailurePausePercent != 20 {
			t.Errorf("safeguards: %d %+v", res.status, st)
		}
		res = admin.post("/admin/settings", url.Values{"visibility": {"all"}, "default_region": {"hk"}, "open_contact_all": {"on"},
			"opt_out_keywords": {"退订，TD、td\n不要再发"}})
		st, _ := s.Settings(ctx)
		if res.status != http.StatusSeeOther || st.Visibility != "all" || st.DefaultRegion != "HK" || !st.OpenContactAll ||
			strings.Join(st.OptOutKeywords, "|") != "退订|TD|不要再发" {
			t.Errorf("settings: %d %+v", res.status, st)
		}
		if page := admin.get("/admin/settings"); !strings.Contains(page.body, ">退订, TD, 不要再发</textarea>") {
			t.Error("settings page does not show the saved keywords")
		}
		// With visibility "all" agent1 now sees Initech.
		if res := e.signedIn(t, e.agent1).get(fmt.Sprintf("/customers/%d", e.initec.ID)); res.status != http.StatusOK {
			t.Errorf("visibility all: %d", res.status)
		}
	})
}
