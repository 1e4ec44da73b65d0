package api

import "touchbase/internal/plan"

const (
	planWhoDesc = "A plan is seen and changed by its owner, the manager of the owner's team and admins, whatever the " +
		"visibility scope; anyone else gets 404, exactly as for a missing plan."
	planCreateDesc = "Adds one plan per customer in customer_ids (at most 1000; all or none are stored), each with its " +
		"reminder queued. The owner is the caller, or owner_id: a rep the caller manages (admins: anyone). 404: a " +
		"customer the caller may not see. 400 naming the field: customer_ids (code forbidden: the owner may not " +
		"contact one of the customers — exclusive rep, participant, sharer and admins may; everyone who sees it " +
		"when single contact is open to all), owner_id (forbidden: not a rep the caller manages), contact_id (only " +
		"with one customer, and one of its contacts), topic_ids (unknown or retired), due_at (missing, not RFC 3339 " +
		"or in the past), remind_minutes (0–43200), recurrence.* (the rule)."
	planEditDesc = "Only an open plan can be changed (409 otherwise). A moved due time or lead time moves the " +
		"reminder; the old one never fires. A due time left as it was may be in the past (an overdue plan stays " +
		"editable). " + planWhoDesc
	planListDesc = "Soonest due first; the done view most recently ended first. view picks a tab in the caller's " +
		"time zone: today (open, due from now until midnight), overdue (open, due before now), upcoming (open, due after today), " +
		"done (done, closed or cancelled). due_from and due_to narrow any view. total counts every match, beyond " +
		"limit and cursor; next_cursor, passed as cursor with the same filters, asks for the following page. " +
		"Visible: the caller's own plans, their team's when they manage it, all for admins."
	planCloseDesc = "Ends an open plan without a contact; reason is required. A recurring plan's next occurrence is " +
		"created and answered as next (null when the rule has ended or the plan does not recur). 409: the plan is " +
		"not open. " + planWhoDesc
)

// planOperations are the endpoints of contact plans.
var planOperations = []operation{
	{method: "GET", path: "/plans", tag: "plans", summary: "Contact plans the caller may see, by tab (view) or filters",
		desc: planListDesc,
		query: []param{{"view", "string", "today, overdue, upcoming or done (in the caller's time zone)"},
			{"owner_id", "integer", "owned by this user"}, {"mine", "boolean", "owned by the caller (not with owner_id)"},
			{"customer_id", "integer", "for this customer"}, {"team_id", "integer", "owned by a member of this team"},
			{"status", "string", "open, done, cancelled or closed (within the view, if one is given)"},
			{"due_from", "string", "due at or after this RFC 3339 time (encode + as %2B)"},
			{"due_to", "string", "due before this RFC 3339 time"},
			{"limit", "integer", "page size, 1–1000 (default 100)"},
			{"cursor", "string", "next_cursor of the previous page"}},
		ok: 200, okSchema: "PlanPage"},
	{method: "POST", path: "/plans", tag: "plans", summary: "Plan a contact with one customer, or one plan each for several",
		desc: planCreateDesc, body: "PlanInput", ok: 201, okSchema: "PlanList", errs: []int{404}},
	{method: "GET", path: "/plans/needing-reassignment", tag: "plans",
		summary: "Open plans whose owner can no longer carry them out (lost the right to contact the customer, or deactivated)",
		desc: "For managers and admins to reassign: the caller sees those of their team (admins: all); a rep sees " +
			"their own. Soonest due first.",
		ok: 200, okSchema: "PlanList"},
	{method: "GET", path: "/plans/{id}", tag: "plans", summary: "One plan; a completed plan names its record",
		desc: planWhoDesc, ok: 200, okSchema: "Plan"},
	{method: "PUT", path: "/plans/{id}", tag: "plans", summary: "Replace the writable fields of an open plan",
		desc: planEditDesc, body: "PlanEditInput", ok: 200, okSchema: "Plan", errs: []int{409}},
	{method: "PATCH", path: "/plans/{id}", tag: "plans", summary: "Change the given fields of an open plan",
		desc: planEditDesc, body: "PlanEditInput", ok: 200, okSchema: "Plan", errs: []int{409}},
	{method: "POST", path: "/plans/{id}/reschedule", tag: "plans", summary: "Move an open plan's due time and reminder",
		desc: "remind_minutes absent keeps the lead time; null removes the reminder. The old reminder never fires. " +
			"409: the plan is not open. " + planWhoDesc,
		body: "PlanRescheduleInput", ok: 200, okSchema: "Plan", errs: []int{409}},
	{method: "POST", path: "/plans/{id}/cancel", tag: "plans", summary: "Cancel an open plan (and the rest of its series)",
		desc: "409: the plan is not open. " + planWhoDesc, body: "PlanReasonInput", ok: 200, okSchema: "Plan", errs: []int{409}},
	{method: "POST", path: "/plans/{id}/close", tag: "plans",
		summary: "Close an open plan with a reason; a recurring plan rolls to its next occurrence", desc: planCloseDesc,
		body: "PlanReasonInput", ok: 200, okSchema: "PlanCloseResult", errs: []int{409}},
	{method: "POST", path: "/plans/{id}/reassign", tag: "plans", summary: "Give an open plan to another rep",
		desc: "The caller must manage the new owner (admins: anyone; a rep only themselves), and the new owner must " +
			"be allowed to contact the customer: otherwise 400 on owner_id (code forbidden). 409: the plan is not " +
			"open. " + planWhoDesc,
		body: "PlanReassignInput", ok: 200, okSchema: "Plan", errs: []int{409}},
}

// planSchemas are the schemas of contact plans.
func planSchemas() obj {
	recurrence := obj{"type": "object", "additionalProperties": false, "required": []string{"freq"},
		"description": "occurrences keep the first due time's wall-clock time in the owner's time zone", "properties": obj{
			"freq":      enum(plan.Daily, plan.Weekly, plan.Monthly, plan.EveryDays),
			"interval":  obj{"type": "integer", "minimum": 1, "maximum": 366, "description": "every_n_days: the N"},
			"weekdays":  obj{"type": "array", "items": obj{"type": "integer", "minimum": 0, "maximum": 6}, "description": "weekly: the days, 0 = Sunday"},
			"month_day": obj{"type": "integer", "minimum": 1, "maximum": 31, "description": "monthly: the day (the last day of shorter months)"},
			"until": obj{"type": "string", "nullable": true,
				"description": "last day an occurrence may fall on: a date (2026-12-31, in the caller's time zone) or an RFC 3339 time"},
			"count": obj{"type": "integer", "minimum": 0, "maximum": 1000, "description": "total occurrences, the first included; 0: no limit"},
		}}
	fields := obj{
		"contact_id":     obj{"type": "integer", "format": "int64", "nullable": true, "description": "one of the customer's contacts"},
		"title":          obj{"type": "string", "maxLength": 200},
		"notes":          obj{"type": "string", "maxLength": 5000},
		"topic_ids":      obj{"type": "array", "items": id64(), "maxItems": maxTopics, "description": "active topics (联系主题)"},
		"due_at":         obj{"type": "string", "format": "date-time", "description": "RFC 3339"},
		"remind_minutes": obj{"type": "integer", "nullable": true, "minimum": 0, "maximum": 43200, "description": "reminder lead time: null none, 0 at the due time"},
		"remind_email":   obj{"type": "boolean", "description": "also e-mail the reminder to the owner"},
		"recurrence":     nullable(recurrence),
	}
	create := withOptional(input([]string{"customer_ids", "title", "due_at"}, fields), obj{
		"owner_id":     obj{"type": "integer", "format": "int64", "nullable": true, "description": "a rep the caller manages; default the caller"},
		"customer_ids": obj{"type": "array", "items": id64(), "minItems": 1, "maxItems": 1000, "description": "one plan each"},
	})
	planObj := object([]string{"id", "owner_id", "owner_name", "created_by", "customer_id", "customer_name", "contact_id",
		"contact_name", "title", "notes", "topic_ids", "due_at", "remind_minutes", "remind_email", "remind_at", "recurrence",
		"series_id", "occurrence", "status", "close_reason", "record_id", "completed_at", "overdue", "created_at", "updated_at"}, obj{
		"id": id64(), "owner_id": id64(), "owner_name": typ("string"), "created_by": nullable(id64()),
		"customer_id": id64(), "customer_name": typ("string"), "contact_id": nullable(id64()), "contact_name": typ("string"),
		"title": typ("string"), "notes": typ("string"), "topic_ids": arrayOf(id64()), "due_at": dateTime(),
		"remind_minutes": obj{"type": "integer", "nullable": true, "description": "null: no reminder; 0: at the due time"},
		"remind_email":   typ("boolean"),
		"remind_at":      obj{"type": "string", "format": "date-time", "nullable": true, "description": "when the reminder fires"},
		"recurrence":     nullable(recurrence),
		"series_id":      obj{"type": "integer", "format": "int64", "description": "the first plan of a recurring series"},
		"occurrence":     obj{"type": "integer", "description": "1 for the first of a series"},
		"status":         enum(planStatuses...),
		"close_reason":   typ("string"),
		"record_id":      obj{"type": "integer", "format": "int64", "nullable": true, "description": "the contact record that completed it (status done)"},
		"completed_at":   obj{"type": "string", "format": "date-time", "nullable": true, "description": "when it was done, closed or cancelled"},
		"overdue":        obj{"type": "boolean", "description": "open and past its due time"},
		"created_at":     dateTime(), "updated_at": dateTime(),
	})
	return obj{
		"Plan":     planObj,
		"PlanList": listSchema("Plan"),
		"PlanPage": object([]string{"items", "total", "next_cursor"}, obj{"items": arrayOf(ref("Plan")),
			"total":       obj{"type": "integer", "description": "every plan that matches, on all pages"},
			"next_cursor": obj{"type": "string", "nullable": true, "description": "pass as cursor for the next page; null on the last"}}),
		"PlanInput":     create,
		"PlanEditInput": input([]string{"title", "due_at"}, fields),
		"PlanRescheduleInput": input([]string{"due_at"}, obj{"due_at": fields["due_at"],
			"remind_minutes": obj{"type": "integer", "nullable": true, "minimum": 0, "maximum": 43200,
				"description": "absent: unchanged; null: no reminder; 0: at the due time"}}),
		"PlanReasonInput":   input(nil, obj{"reason": obj{"type": "string", "maxLength": 1000}}),
		"PlanReassignInput": input([]string{"owner_id"}, obj{"owner_id": id64()}),
		"PlanCloseResult": object([]string{"plan", "next"}, obj{"plan": ref("Plan"),
			"next": obj{"allOf": []obj{ref("Plan")}, "nullable": true, "description": "the next occurrence of a recurring plan"}}),
	}
}
