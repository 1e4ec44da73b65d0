package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestSearchBoxesTakeAnyText sends a NUL and an invalid byte through every
// search and filter box: the page answers (it once failed with 500 when the
// text reached the database).
func TestSearchBoxesTakeAnyText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.bulkFixture()
		agent := e.signedIn(t, e.agent1)
		bad := "%00%ff"
		for _, path := range []string{"/customers?q=acme" + bad + "&level=" + bad, "/records?q=" + bad,
			"/records/customers?customer_q=" + bad} {
			if res := agent.get(path); res.status != http.StatusOK {
				t.Errorf("GET %s: %d", path, res.status)
			}
		}
		if res := e.signedIn(t, e.admin).get("/outbox?to=" + bad); res.status != http.StatusOK {
			t.Errorf("GET /outbox?to=%s: %d", bad, res.status)
		}
		form := wizard(url.Values{"q": {"王\x00\xff"}, "level": {"\x00"}, "industry": {"\xff"}})
		res := agent.postRaw("/bulk/new", form, map[string]string{"HX-Request": "true", "HX-Target": "recipient-results",
			"X-CSRF-Token": agent.csrf})
		if res.status != http.StatusOK || !strings.Contains(res.body, "请放宽筛选条件") {
			t.Errorf("bulk picker with a NUL in its filters (nothing matches 王): %d\n%s", res.status, res.body)
		}
	})
}
