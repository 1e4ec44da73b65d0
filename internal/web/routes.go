package web

import "net/http"

// routes lists every page and action of the web UI.
func (h *handler) routes() http.Handler {
	mux := http.NewServeMux()
	pub := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, h.guard(public, formLimit, fn)) }
	user := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, h.guard(signedIn, formLimit, fn)) }
	admin := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, h.guard(adminOnly, formLimit, fn)) }

	mux.Handle("GET /static/{file}", h.assets)
	pub("/", h.notFound)

	// Session
	pub("GET /login", h.loginPage)
	pub("POST /login", h.login)
	user("POST /logout", h.logout)
	pub("POST /language", h.setLanguage)
	user("GET /{$}", h.home)

	// Customers and their contacts
	user("GET /customers", h.customerList)
	user("GET /customers/new", h.customerNew)
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

	_ = admin
	return mux
}
