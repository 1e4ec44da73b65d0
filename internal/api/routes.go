package api

import (
	"net/http"

	"touchbase/internal/model"
)

// route is one endpoint: its method, its path under Prefix, whether it
// answers anonymous callers, the scope a bearer token needs for it, and
// its action.
type route struct {
	Method string
	Path   string
	Public bool
	Scope  model.TokenScope
	Handle func(h *handler, w http.ResponseWriter, r *http.Request)
}

const (
	public = true
	authed = false
)

// The scopes of routes. A read-only token reads (and previews sends); a
// contact token does what a rep does; administration needs the admin
// scope. Session callers are bound by their role alone.
const (
	noScope      model.TokenScope = ""
	readScope                     = model.ScopeRead
	contactScope                  = model.ScopeContact
	adminScope                    = model.ScopeAdmin
)

// routes lists every endpoint of the API. The OpenAPI document describes
// exactly these (a test compares the two) and takes each one's token scope
// from here.
var routes = []route{
	{"GET", "/openapi.json", public, noScope, (*handler).openAPI},

	{"POST", "/tokens", public, noScope, (*handler).createToken},
	{"GET", "/tokens", authed, readScope, (*handler).listTokens},
	{"DELETE", "/tokens/{id}", authed, contactScope, (*handler).deleteToken},
	{"GET", "/me", authed, readScope, (*handler).me},
	{"POST", "/me/sign-out-everywhere", authed, contactScope, (*handler).signOutEverywhere},
	{"PUT", "/me/password", authed, contactScope, (*handler).changeOwnPassword},
	{"GET", "/me/wecom-notifications", authed, readScope, (*handler).myWeComNotify},
	{"PUT", "/me/wecom-notifications", authed, contactScope, (*handler).setMyWeComNotify},

	{"GET", "/customers", authed, readScope, (*handler).listCustomers},
	{"POST", "/customers", authed, contactScope, (*handler).createCustomer},
	{"GET", "/customers/{id}", authed, readScope, (*handler).getCustomer},
	{"PUT", "/customers/{id}", authed, contactScope, (*handler).replaceCustomer},
	{"PATCH", "/customers/{id}", authed, contactScope, (*handler).patchCustomer},
	{"DELETE", "/customers/{id}", authed, adminScope, (*handler).deleteCustomer},
	{"PUT", "/customers/by-code/{code}", authed, adminScope, (*handler).upsertCustomerByCode},
	{"POST", "/imports/customers", authed, adminScope, (*handler).importCustomers},

	{"GET", "/customers/{id}/contacts", authed, readScope, (*handler).listCustomerContacts},
	{"POST", "/customers/{id}/contacts", authed, contactScope, (*handler).createContact},
	{"GET", "/contacts", authed, readScope, (*handler).searchContacts},
	{"GET", "/contacts/{id}", authed, readScope, (*handler).getContact},
	{"PUT", "/contacts/{id}", authed, contactScope, (*handler).replaceContact},
	{"PATCH", "/contacts/{id}", authed, contactScope, (*handler).patchContact},
	{"DELETE", "/contacts/{id}", authed, contactScope, (*handler).deleteContact},
	{"POST", "/contacts/{id}/contact", authed, contactScope, (*handler).contactNow},
	{"POST", "/contacts/{id}/contact/preview", authed, readScope, (*handler).previewContact},
	{"POST", "/deliveries/{id}/withdraw", authed, contactScope, (*handler).withdrawDelivery},

	{"GET", "/records", authed, readScope, (*handler).listRecords},
	{"POST", "/records", authed, contactScope, (*handler).createRecord},
	{"GET", "/records/export", authed, readScope, (*handler).exportRecords},
	{"GET", "/records/{id}", authed, readScope, (*handler).getRecord},
	{"GET", "/customers/{id}/records", authed, readScope, (*handler).customerRecords},

	{"GET", "/customers/{id}/relations", authed, readScope, (*handler).listRelations},
	{"POST", "/customers/{id}/relations", authed, adminScope, (*handler).setRelation},
	{"DELETE", "/customers/{id}/relations/{user_id}", authed, adminScope, (*handler).deleteRelation},

	{"GET", "/users", authed, readScope, (*handler).listUsers},
	{"POST", "/users", authed, adminScope, (*handler).createUser},
	{"GET", "/users/{id}", authed, readScope, (*handler).getUser},
	{"PUT", "/users/{id}", authed, adminScope, (*handler).replaceUser},
	{"PATCH", "/users/{id}", authed, adminScope, (*handler).patchUser},
	{"PUT", "/users/{id}/password", authed, adminScope, (*handler).setUserPassword},
	{"POST", "/users/{id}/sign-out-everywhere", authed, adminScope, (*handler).signOutUser},
	{"GET", "/users/{id}/tokens", authed, readScope, (*handler).userTokens},

	{"GET", "/teams", authed, readScope, (*handler).listTeams},
	{"POST", "/teams", authed, adminScope, (*handler).createTeam},
	{"GET", "/teams/{id}", authed, readScope, (*handler).getTeam},
	{"PUT", "/teams/{id}", authed, adminScope, (*handler).replaceTeam},
	{"PATCH", "/teams/{id}", authed, adminScope, (*handler).patchTeam},
	{"DELETE", "/teams/{id}", authed, adminScope, (*handler).deleteTeam},

	{"GET", "/topics", authed, readScope, (*handler).listTopics},
	{"POST", "/topics", authed, adminScope, (*handler).createTopic},
	{"GET", "/topics/{id}", authed, readScope, (*handler).getTopic},
	{"PUT", "/topics/{id}", authed, adminScope, (*handler).replaceTopic},
	{"PATCH", "/topics/{id}", authed, adminScope, (*handler).patchTopic},

	{"GET", "/sms-templates", authed, readScope, (*handler).listSMSTemplates},
	{"POST", "/sms-templates", authed, adminScope, (*handler).createSMSTemplate},
	{"POST", "/sms-templates/sync", authed, adminScope, (*handler).syncSMSTemplates},
	{"GET", "/sms-templates/{id}", authed, readScope, (*handler).getSMSTemplate},
	{"PUT", "/sms-templates/{id}", authed, adminScope, (*handler).updateSMSTemplate},
	{"DELETE", "/sms-templates/{id}", authed, adminScope, (*handler).deleteSMSTemplate},

	{"GET", "/settings", authed, readScope, (*handler).getSettings},
	{"PUT", "/settings", authed, adminScope, (*handler).replaceSettings},
	{"PATCH", "/settings", authed, adminScope, (*handler).patchSettings},

	{"GET", "/channels", authed, readScope, (*handler).listChannels},
	{"PUT", "/channels/{kind}", authed, adminScope, (*handler).saveChannel},
	{"POST", "/channels/{kind}/test", authed, adminScope, (*handler).testChannel},
	{"GET", "/outbox", authed, readScope, (*handler).listOutbox},

	{"GET", "/wecom", authed, readScope, (*handler).getWeCom},
	{"PUT", "/wecom", authed, adminScope, (*handler).saveWeCom},
	{"POST", "/wecom/test", authed, adminScope, (*handler).testWeCom},
	{"GET", "/wecom/members", authed, readScope, (*handler).listWeComMembers},
	{"POST", "/wecom/members/refresh", authed, adminScope, (*handler).refreshWeComMembers},
	{"PUT", "/wecom/members/{userid}", authed, adminScope, (*handler).mapWeComMember},
	{"POST", "/wecom/sync", authed, adminScope, (*handler).syncWeCom},
	{"GET", "/wecom/review", authed, readScope, (*handler).weComReview},
	{"PUT", "/wecom/externals/{id}", authed, adminScope, (*handler).resolveWeComExternal},

	{"GET", "/bulk-sends", authed, readScope, (*handler).listBulkSends},
	{"POST", "/bulk-sends", authed, contactScope, (*handler).createBulkSend},
	{"POST", "/bulk-sends/preview", authed, readScope, (*handler).previewBulkSend},
	{"GET", "/bulk-sends/{id}", authed, readScope, (*handler).getBulkSend},
	{"GET", "/bulk-sends/{id}/recipients", authed, readScope, (*handler).bulkRecipients},
	{"GET", "/bulk-sends/{id}/recipients/export", authed, readScope, (*handler).exportBulkRecipients},
	{"POST", "/bulk-sends/{id}/cancel", authed, contactScope, (*handler).cancelBulkSend},
	{"POST", "/bulk-sends/{id}/pause", authed, contactScope, (*handler).pauseBulkSend},
	{"POST", "/bulk-sends/{id}/approve", authed, contactScope, (*handler).approveBulkSend},
	{"POST", "/bulk-sends/{id}/reject", authed, contactScope, (*handler).rejectBulkSend},
	{"POST", "/bulk-sends/{id}/resume", authed, contactScope, (*handler).resumeBulkSend},
	{"POST", "/bulk-sends/{id}/retry-failed", authed, contactScope, (*handler).retryBulkSend},
	{"GET", "/bulk-sends/{id}/events", authed, readScope, (*handler).bulkSendEvents},
	{"GET", "/bulk-sends/{id}/wecom-tasks", authed, readScope, (*handler).bulkWeComTasks},
	{"POST", "/bulk-sends/{id}/wecom-tasks/remind", authed, contactScope, (*handler).remindWeComTasks},

	{"GET", "/plans", authed, readScope, (*handler).listPlans},
	{"POST", "/plans", authed, contactScope, (*handler).createPlan},
	{"GET", "/plans/needing-reassignment", authed, readScope, (*handler).plansNeedingReassignment},
	{"GET", "/plans/{id}", authed, readScope, (*handler).getPlan},
	{"PUT", "/plans/{id}", authed, contactScope, (*handler).replacePlan},
	{"PATCH", "/plans/{id}", authed, contactScope, (*handler).patchPlan},
	{"POST", "/plans/{id}/reschedule", authed, contactScope, (*handler).reschedulePlan},
	{"POST", "/plans/{id}/cancel", authed, contactScope, (*handler).cancelPlan},
	{"POST", "/plans/{id}/close", authed, contactScope, (*handler).closePlan},
	{"POST", "/plans/{id}/reassign", authed, contactScope, (*handler).reassignPlan},

	{"GET", "/notifications", authed, readScope, (*handler).listNotifications},
	{"POST", "/notifications/{id}/read", authed, contactScope, (*handler).readNotification},
	{"POST", "/notifications/read-all", authed, contactScope, (*handler).readAllNotifications},
	{"GET", "/notifications/stream", authed, readScope, (*handler).notificationStream},

	{"GET", "/me/bot-webhook", authed, readScope, (*handler).getMyBot},
	{"PUT", "/me/bot-webhook", authed, contactScope, (*handler).saveMyBot},
	{"DELETE", "/me/bot-webhook", authed, contactScope, (*handler).deleteMyBot},
	{"POST", "/me/bot-webhook/test", authed, contactScope, (*handler).testMyBot},
	{"GET", "/settings/bot-webhook", authed, readScope, (*handler).getAdminBot},
	{"PUT", "/settings/bot-webhook", authed, adminScope, (*handler).saveAdminBot},
	{"DELETE", "/settings/bot-webhook", authed, adminScope, (*handler).deleteAdminBot},
	{"POST", "/settings/bot-webhook/test", authed, adminScope, (*handler).testAdminBot},
}
