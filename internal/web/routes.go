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

	_ = admin
	return mux
}
