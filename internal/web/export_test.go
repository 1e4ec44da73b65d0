package web

// RoutePatterns lists the pattern of every route, as routes registers
// them, for the authorization matrix.
func RoutePatterns() []string {
	h := &handler{}
	h.routes()
	return h.patterns
}
