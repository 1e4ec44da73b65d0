package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"touchbase/internal/httpauth"
	"touchbase/internal/model"
	"touchbase/internal/plan"
	"touchbase/internal/storage"
)

// The tabs of the plans page.
const (
	tabToday    = plan.ViewToday
	tabOverdue  = plan.ViewOverdue
	tabUpcoming = plan.ViewUpcoming
	tabDone     = plan.ViewDone
)

// plansPerTab bounds the plans one tab lists.
const plansPerTab = 200

// planScope is whose plans a plans page shows: the user's own, or (for
// managers and admins) the team's, narrowed to an owner or a team.
type planScope struct {
	Team    bool // the team view
	OwnerID int64
	TeamID  int64
	Manages bool // the user may switch to the team view
	Owners  []*model.User
	Teams   []*model.Team
}

// readPlanScope reads ?view=team&owner=&team=; only managers and admins
// get the team view, and the plan rule still limits what they see.
func (h *handler) readPlanScope(ctx context.Context, id *httpauth.Identity, q url.Values) (planScope, error) {
	s := planScope{Manages: managesOthers(id.User)}
	if !s.Manages || q.Get("view") != "team" {
		s.OwnerID = id.User.ID
		return s, nil
	}
	s.Team = true
	s.OwnerID, _ = strconv.ParseInt(q.Get("owner"), 10, 64)
	s.TeamID, _ = strconv.ParseInt(q.Get("team"), 10, 64)
	var err error
	if s.Owners, err = h.managedReps(ctx, id.User); err != nil {
		return s, err
	}
	s.Teams, err = h.managedTeams(ctx, id.User)
	return s, err
}

// filter is the storage filter of the scope.
func (s planScope) filter() storage.PlanFilter {
	return storage.PlanFilter{OwnerID: s.OwnerID, TeamID: s.TeamID}
}

// query is the scope as URL parameters, with extra ones set.
func (s planScope) query(extra ...string) string {
	v := url.Values{}
	if s.Team {
		v.Set("view", "team")
		if s.OwnerID != 0 {
			v.Set("owner", strconv.FormatInt(s.OwnerID, 10))
		}
		if s.TeamID != 0 {
			v.Set("team", strconv.FormatInt(s.TeamID, 10))
		}
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// planListData is the data of the plans page.
type planListData struct {
	base
	Tab    string
	Scope  planScope
	Counts map[string]int
	Plans  []*model.Plan
	Paged  bool                // a later page, not the first
	Next   *storage.PlanCursor // where the next page starts; nil on the last
	Now    time.Time
}

// ShowOwner reports whether the table names each plan's owner.
func (d planListData) ShowOwner() bool { return d.Scope.Team }

// Ended reports whether the table lists ended plans (the Done tab).
func (d planListData) Ended() bool { return d.Tab == tabDone }

// TabURL is the link of a tab in the current scope.
func (d planListData) TabURL(tab string) string { return "/plans" + d.Scope.query("tab", tab) }

// ViewURL is the link of the user's own plans or of the team's.
func (d planListData) ViewURL(team bool) string {
	if team {
		return "/plans?view=team&tab=" + d.Tab
	}
	return "/plans?tab=" + d.Tab
}

// NextURL is the link of the tab's next page.
func (d planListData) NextURL() string {
	return "/plans" + d.Scope.query("tab", d.Tab, "after", d.Next.String())
}

// CalendarURL is the month calendar in the current scope.
func (d planListData) CalendarURL() string { return "/plans/calendar" + d.Scope.query() }

// planTab narrows f to one tab in the user's time zone: today's open
// plans, those past due, those from tomorrow on, or the ended ones (the
// plan service's views).
func (h *handler) planTab(f storage.PlanFilter, tab string, loc *time.Location) storage.PlanFilter {
	f, _ = h.app.Plans.InViewAt(f, tab, loc) // tab is one of the views
	return f
}

// planList shows "My plans" (or, for a manager, the team's) on one of the
// tabs Today, Overdue, Upcoming and Done, with the open tabs' counts.
func (h *handler) planList(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), identity(r)
	q := r.URL.Query()
	d := planListData{base: h.base(w, r, "plans", "plans.title"), Tab: q.Get("tab"), Counts: map[string]int{}, Now: time.Now()}
	switch d.Tab {
	case tabToday, tabOverdue, tabUpcoming, tabDone:
	default:
		d.Tab = tabToday
	}
	var err error
	if d.Scope, err = h.readPlanScope(ctx, id, q); err != nil {
		h.fail(w, r, err)
		return
	}
	for _, tab := range []string{tabToday, tabOverdue, tabUpcoming} {
		if d.Counts[tab], err = h.app.Store.CountPlans(ctx, id.Policy, h.planTab(d.Scope.filter(), tab, d.Loc)); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	f := h.planTab(d.Scope.filter(), d.Tab, d.Loc)
	f.Limit = plansPerTab + 1
	// A page after the first starts after the cursor of the one before; a
	// cursor that does not read shows the first page.
	if after := q.Get("after"); after != "" {
		f.After, _ = storage.ParsePlanCursor(after)
		d.Paged = f.After != nil
	}
	if d.Plans, err = h.app.Plans.List(ctx, id.Policy, f); err != nil {
		h.fail(w, r, err)
		return
	}
	if len(d.Plans) > plansPerTab {
		d.Plans = d.Plans[:plansPerTab]
		d.Next = f.Next(d.Plans[plansPerTab-1])
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "plan-results" {
		h.fragment(w, r, http.StatusOK, "plan_results", d)
		return
	}
	h.render(w, r, http.StatusOK, "plans.html", d)
}
