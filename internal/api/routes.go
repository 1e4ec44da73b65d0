package api

import "net/http"

// route is one endpoint: its method, its path under Prefix, whether it
// answers anonymous callers, and its action.
type route struct {
	Method string
	Path   string
	Public bool
	Handle func(h *handler, w http.ResponseWriter, r *http.Request)
}

const (
	public = true
	authed = false
)

// routes lists every endpoint of the API. The OpenAPI document describes
// exactly these (a test compares the two).
var routes = []route{
	{"GET", "/openapi.json", public, (*handler).openAPI},

	{"POST", "/tokens", public, (*handler).createToken},
	{"GET", "/tokens", authed, (*handler).listTokens},
	{"DELETE", "/tokens/{id}", authed, (*handler).deleteToken},
	{"GET", "/me", authed, (*handler).me},
	{"PUT", "/me/password", authed, (*handler).changeOwnPassword},

	{"GET", "/customers", authed, (*handler).listCustomers},
	{"POST", "/customers", authed, (*handler).createCustomer},
	{"GET", "/customers/{id}", authed, (*handler).getCustomer},
	{"PUT", "/customers/{id}", authed, (*handler).replaceCustomer},
	{"PATCH", "/customers/{id}", authed, (*handler).patchCustomer},
	{"DELETE", "/customers/{id}", authed, (*handler).deleteCustomer},
	{"PUT", "/customers/by-code/{code}", authed, (*handler).upsertCustomerByCode},

	{"GET", "/customers/{id}/contacts", authed, (*handler).listCustomerContacts},
	{"POST", "/customers/{id}/contacts", authed, (*handler).createContact},
	{"GET", "/contacts", authed, (*handler).searchContacts},
	{"GET", "/contacts/{id}", authed, (*handler).getContact},
	{"PUT", "/contacts/{id}", authed, (*handler).replaceContact},
	{"PATCH", "/contacts/{id}", authed, (*handler).patchContact},
	{"DELETE", "/contacts/{id}", authed, (*handler).deleteContact},
	{"POST", "/contacts/{id}/contact", authed, (*handler).contactNow},
	{"POST", "/contacts/{id}/contact/preview", authed, (*handler).previewContact},

	{"GET", "/records", authed, (*handler).listRecords},
	{"POST", "/records", authed, (*handler).createRecord},
	{"GET", "/records/export", authed, (*handler).exportRecords},
	{"GET", "/records/{id}", authed, (*handler).getRecord},
	{"GET", "/customers/{id}/records", authed, (*handler).customerRecords},

	{"GET", "/customers/{id}/relations", authed, (*handler).listRelations},
	{"POST", "/customers/{id}/relations", authed, (*handler).setRelation},
	{"DELETE", "/customers/{id}/relations/{user_id}", authed, (*handler).deleteRelation},

	{"GET", "/users", authed, (*handler).listUsers},
	{"POST", "/users", authed, (*handler).createUser},
	{"GET", "/users/{id}", authed, (*handler).getUser},
	{"PUT", "/users/{id}", authed, (*handler).replaceUser},
	{"PATCH", "/users/{id}", authed, (*handler).patchUser},
	{"PUT", "/users/{id}/password", authed, (*handler).setUserPassword},

	{"GET", "/teams", authed, (*handler).listTeams},
	{"POST", "/teams", authed, (*handler).createTeam},
	{"GET", "/teams/{id}", authed, (*handler).getTeam},
	{"PUT", "/teams/{id}", authed, (*handler).replaceTeam},
	{"PATCH", "/teams/{id}", authed, (*handler).patchTeam},
	{"DELETE", "/teams/{id}", authed, (*handler).deleteTeam},

	{"GET", "/topics", authed, (*handler).listTopics},
	{"POST", "/topics", authed, (*handler).createTopic},
	{"GET", "/topics/{id}", authed, (*handler).getTopic},
	{"PUT", "/topics/{id}", authed, (*handler).replaceTopic},
	{"PATCH", "/topics/{id}", authed, (*handler).patchTopic},

	{"GET", "/sms-templates", authed, (*handler).listSMSTemplates},
	{"POST", "/sms-templates", authed, (*handler).createSMSTemplate},
	{"POST", "/sms-templates/sync", authed, (*handler).syncSMSTemplates},
	{"GET", "/sms-templates/{id}", authed, (*handler).getSMSTemplate},
	{"PUT", "/sms-templates/{id}", authed, (*handler).updateSMSTemplate},
	{"DELETE", "/sms-templates/{id}", authed, (*handler).deleteSMSTemplate},

	{"GET", "/settings", authed, (*handler).getSettings},
	{"PUT", "/settings", authed, (*handler).replaceSettings},
	{"PATCH", "/settings", authed, (*handler).patchSettings},

	{"GET", "/channels", authed, (*handler).listChannels},
	{"PUT", "/channels/{kind}", authed, (*handler).saveChannel},
	{"POST", "/channels/{kind}/test", authed, (*handler).testChannel},
	{"GET", "/outbox", authed, (*handler).listOutbox},

	{"GET", "/wecom", authed, (*handler).getWeCom},
	{"PUT", "/wecom", authed, (*handler).saveWeCom},
	{"POST", "/wecom/test", authed, (*handler).testWeCom},
	{"GET", "/wecom/members", authed, (*handler).listWeComMembers},
	{"POST", "/wecom/members/refresh", authed, (*handler).refreshWeComMembers},
	{"PUT", "/wecom/members/{userid}", authed, (*handler).mapWeComMember},
	{"POST", "/wecom/sync", authed, (*handler).syncWeCom},
	{"GET", "/wecom/review", authed, (*handler).weComReview},
	{"PUT", "/wecom/externals/{id}", authed, (*handler).resolveWeComExternal},

	{"GET", "/bulk-sends", authed, (*handler).listBulkSends},
	{"POST", "/bulk-sends", authed, (*handler).createBulkSend},
	{"POST", "/bulk-sends/preview", authed, (*handler).previewBulkSend},
	{"GET", "/bulk-sends/{id}", authed, (*handler).getBulkSend},
	{"GET", "/bulk-sends/{id}/recipients", authed, (*handler).bulkRecipients},
	{"GET", "/bulk-sends/{id}/recipients/export", authed, (*handler).exportBulkRecipients},
	{"POST", "/bulk-sends/{id}/cancel", authed, (*handler).cancelBulkSend},
	{"POST", "/bulk-sends/{id}/pause", authed, (*handler).pauseBulkSend},
	{"POST", "/bulk-sends/{id}/approve", authed, (*handler).approveBulkSend},
	{"POST", "/bulk-sends/{id}/reject", authed, (*handler).rejectBulkSend},
	{"POST", "/bulk-sends/{id}/resume", authed, (*handler).resumeBulkSend},
	{"POST", "/bulk-sends/{id}/retry-failed", authed, (*handler).retryBulkSend},
	{"GET", "/bulk-sends/{id}/events", authed, (*handler).bulkSendEvents},

	{"GET", "/plans", authed, (*handler).listPlans},
	{"POST", "/plans", authed, (*handler).createPlan},
	{"GET", "/plans/needing-reassignment", authed, (*handler).plansNeedingReassignment},
	{"GET", "/plans/{id}", authed, (*handler).getPlan},
	{"PUT", "/plans/{id}", authed, (*handler).replacePlan},
	{"PATCH", "/plans/{id}", authed, (*handler).patchPlan},
	{"POST", "/plans/{id}/reschedule", authed, (*handler).reschedulePlan},
	{"POST", "/plans/{id}/cancel", authed, (*handler).cancelPlan},
	{"POST", "/plans/{id}/close", authed, (*handler).closePlan},
	{"POST", "/plans/{id}/reassign", authed, (*handler).reassignPlan},

	{"GET", "/notifications", authed, (*handler).listNotifications},
	{"POST", "/notifications/{id}/read", authed, (*handler).readNotification},
	{"POST", "/notifications/read-all", authed, (*handler).readAllNotifications},
	{"GET", "/notifications/stream", authed, (*handler).notificationStream},

	{"GET", "/me/bot-webhook", authed, (*handler).getMyBot},
	{"PUT", "/me/bot-webhook", authed, (*handler).saveMyBot},
	{"DELETE", "/me/bot-webhook", authed, (*handler).deleteMyBot},
	{"POST", "/me/bot-webhook/test", authed, (*handler).testMyBot},
	{"GET", "/settings/bot-webhook", authed, (*handler).getAdminBot},
	{"PUT", "/settings/bot-webhook", authed, (*handler).saveAdminBot},
	{"DELETE", "/settings/bot-webhook", authed, (*handler).deleteAdminBot},
	{"POST", "/settings/bot-webhook/test", authed, (*handler).testAdminBot},
}
