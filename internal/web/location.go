package web

import (
	"net/http"
	"time"
)

// location is the signed-in user's time zone, UTC when unknown.
func (h *handler) location(r *http.Request) *time.Location {
	if id := identity(r); id != nil {
		if loc, err := time.LoadLocation(id.User.Timezone); err == nil {
			return loc
		}
	}
	return time.UTC
}
