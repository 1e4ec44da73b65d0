package web

import "net/http"

// routes lists every page and action of the web UI.
func (h *handler) routes() http.Handler {
	mux := &routeMux{ServeMux: http.NewServeMux()}
	defer func() { h.patterns = mux.patterns }()
	pub := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, h.guard(public, formLimit, fn)) }
	user := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, h.guard(signedIn, formLimit, fn)) }
	due := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, h.guard(passwordDue, formLimit, fn)) }
	admin := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, h.guard(adminOnly, formLimit, fn)) }

	mux.Handle("GET /static/{file}", h.assets)
	pub("/", h.notFound)

	// Session
	pub("GET /login", h.loginPage)
	pub("POST /login", h.login)
	due("POST /logout", h.logout)
	pub("POST /language", h.setLanguage)
	user("GET /{$}", h.home)

	// One-click unsubscribe links of e-mails (RFC 8058): no session, no
	// CSRF token, the signed token is the credential.
	mux.Handle("GET /u/{token}", h.oneClick(h.unsubscribePage))
	mux.Handle("POST /u/{token}", h.oneClick(h.unsubscribePost))

	// Customers and their contacts
	user("GET /customers", h.customerList)
	user("GET /customers/new", h.customerNew)
	user("GET /customers/export.csv", h.customerExport)
	user("POST /customers", h.customerCreate)
	user("GET /customers/{id}", h.customerShow)
	user("GET /customers/{id}/edit", h.customerEdit)
	user("POST /customers/{id}", h.customerUpdate)
	user("POST /customers/{id}/delete", h.customerDelete)
	user("POST /customers/{id}/relations", h.relationAdd)
	user("POST /customers/{id}/relations/{userID}/delete", h.relationDelete)
	user("GET /customers/{id}/contacts/new", h.contactNew)
	user("POST /customers/{id}/contacts", h.contactCreate)
	user("GET /contacts/{id}/edit", h.contactEdit)
	user("POST /contacts/{id}", h.contactUpdate)
	user("POST /contacts/{id}/delete", h.contactDelete)

	// Single contact, records added by hand, the customer timeline
	user("GET /customers/{id}/contact", h.singleContactNew)
	user("POST /customers/{id}/contact", h.singleContactSend)
	user("POST /customers/{id}/contact/preview", h.singleContactPreview)
	user("POST /customers/{id}/contact/withdraw", h.singleContactWithdraw)
	user("POST /customers/{id}/contact/refresh", h.singleContactRefresh)
	user("GET /customers/{id}/records", h.timelinePage)
	user("GET /customers/{id}/records/new", h.recordNew)
	user("POST /customers/{id}/records", h.recordCreate)

	// All contact records
	user("GET /records", h.recordList)
	user("GET /records/customers", h.recordCustomerMatches)
	user("GET /records/count", h.recordCount)
	user("GET /records/export.csv", h.recordExport)
	user("GET /records/export.xlsx", h.recordExport)
	user("GET /records/{id}", h.recordShow)
	admin("GET /outbox", h.outboxList)

	// Bulk contact: the wizard, the records of bulk sends, live progress
	user("GET /bulk/new", h.bulkNew)
	user("POST /bulk/new", h.bulkStep)
	user("POST /bulk/new/preview", h.bulkContentPreview)
	user("POST /bulk", h.bulkCreate)
	user("GET /bulk", h.bulkList)
	user("GET /bulk/{id}", h.bulkShow)
	user("GET /bulk/{id}/events", h.bulkEvents)
	user("GET /bulk/{id}/recipients.csv", h.bulkExport)
	user("POST /bulk/{id}/cancel", h.bulkCancel)
	user("POST /bulk/{id}/retry", h.bulkRetry)
	user("POST /bulk/{id}/pause", h.bulkPause)
	user("POST /bulk/{id}/resume", h.bulkResume)
	user("POST /bulk/{id}/remind", h.bulkRemind)
	user("POST /bulk/{id}/refresh", h.bulkRefresh)
	user("POST /bulk/{id}/approve", h.bulkApprove)
	user("POST /bulk/{id}/reject", h.bulkReject)

	// Contact plans: the tabs, the month calendar, one plan and its actions
	user("GET /plans", h.planList)
	user("GET /plans/calendar", h.planCalendar)
	user("GET /plans/new", h.planNew)
	user("GET /plans/customers", h.planCustomerMatches)
	user("POST /plans", h.planCreate)
	user("GET /plans/reassign", h.planReassignList)
	user("GET /plans/{id}", h.planShow)
	user("GET /plans/{id}/edit", h.planEdit)
	user("POST /plans/{id}", h.planUpdate)
	user("GET /plans/{id}/reschedule", h.planReschedule)
	user("POST /plans/{id}/reschedule", h.planReschedule)
	user("POST /plans/{id}/cancel", h.planCancel)
	user("POST /plans/{id}/close", h.planClose)
	user("POST /plans/{id}/reassign", h.planReassign)

	// Notification centre and its live stream
	user("GET /notifications", h.notificationList)
	user("GET /notifications/stream", h.notificationStream)
	user("POST /notifications/read", h.notificationReadAll)
	user("POST /notifications/{id}/read", h.notificationRead)

	// Profile, API tokens, signing out everywhere and the user's group bot
	user("GET /profile", h.profilePage)
	user("POST /profile", h.profileUpdate)
	due("GET "+passwordPath, h.passwordPage)
	due("POST /profile/password", h.profilePassword)
	user("POST /profile/sign-out-everywhere", h.profileSignOut)
	user("POST /profile/tokens", h.tokenCreate)
	user("POST /profile/tokens/{id}/delete", h.tokenDelete)
	user("POST /profile/bot", h.botSave)
	user("POST /profile/wecom", h.profileWeCom)
	user("POST /profile/bot/test", h.botTestSend)
	user("POST /profile/bot/delete", h.botDelete)

	// Administration
	admin("GET /admin", h.adminHome)
	admin("GET /admin/users", h.userList)
	admin("GET /admin/users/new", h.userNew)
	admin("POST /admin/users", h.userCreate)
	admin("GET /admin/users/{id}", h.userEdit)
	admin("POST /admin/users/{id}", h.userUpdate)
	admin("POST /admin/users/{id}/password", h.userPassword)
	admin("POST /admin/users/{id}/sign-out-everywhere", h.userSignOut)
	admin("GET /admin/teams", h.teamList)
	admin("GET /admin/teams/new", h.teamNew)
	admin("POST /admin/teams", h.teamCreate)
	admin("GET /admin/teams/{id}/edit", h.teamEdit)
	admin("POST /admin/teams/{id}", h.teamUpdate)
	admin("GET /admin/topics", h.topicList)
	admin("GET /admin/topics/new", h.topicNew)
	admin("POST /admin/topics", h.topicCreate)
	admin("GET /admin/topics/{id}/edit", h.topicEdit)
	admin("POST /admin/topics/{id}", h.topicUpdate)
	admin("GET /admin/settings", h.settingsPage)
	admin("POST /admin/settings", h.settingsSave)
	admin("POST /admin/bot", h.botSave)
	admin("POST /admin/bot/test", h.botTestSend)
	admin("POST /admin/bot/delete", h.botDelete)
	admin("GET /admin/channels", h.channelSettings)
	admin("POST /admin/channels/{kind}", h.channelSave)
	admin("POST /admin/channels/{kind}/test", h.channelTestSend)
	admin("GET /admin/wecom", h.weComPage)
	admin("POST /admin/wecom", h.weComSave)
	admin("POST /admin/wecom/test", h.weComTest)
	admin("POST /admin/wecom/members/refresh", h.weComRefreshMembers)
	admin("POST /admin/wecom/members/{userid}/user", h.weComMapMember)
	admin("POST /admin/wecom/sync", h.weComSync)
	admin("POST /admin/wecom/externals/{id}", h.weComResolve)
	admin("GET /admin/sms-templates", h.smsTemplateList)
	admin("POST /admin/sms-templates/sync", h.smsTemplateSync)
	admin("GET /admin/sms-templates/new", h.smsTemplateNew)
	admin("POST /admin/sms-templates", h.smsTemplateSave)
	admin("GET /admin/sms-templates/{id}/edit", h.smsTemplateEdit)
	admin("POST /admin/sms-templates/{id}", h.smsTemplateSave)
	admin("GET /admin/import", h.importPage)
	admin("GET /admin/login-failures", h.loginFailures)
	mux.Handle("POST /admin/import", h.guard(adminOnly, uploadLimit, h.importRun))
	return mux
}

// routeMux is a ServeMux that remembers its patterns, so tests can check
// every route against the authorization matrix.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

// Handle registers handler for pattern.
func (m *routeMux) Handle(pattern string, handler http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, handler)
}
