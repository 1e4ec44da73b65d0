package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"touchbase/internal/app"
	"touchbase/internal/config"
	"touchbase/internal/demo"
	"touchbase/internal/record"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/axe"
	"touchbase/internal/testutil/browser"
	"touchbase/internal/web"
)

// newDemoEnv is a web UI on the demo data (2,000 customers, ten reps, their
// records, plans and sends), the pages a real team sees.
func newDemoEnv(t *testing.T) *env {
	t.Helper()
	s := storetest.SQLite(t)
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.AllowPrivateProviders = true
	a, err := app.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(a)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, app: a, store: s}
	e.srv = httptest.NewServer(a.Resolver.Middleware(h))
	t.Cleanup(e.srv.Close)
	e.runNotifications()
	return e
}

// screen is a window size the layout is checked at.
type screen struct {
	name          string
	width, height int
	phone         bool
}

var screens = []screen{{"phone", 390, 844, true}, {"laptop", 1366, 768, false}}

// overflowJS reports how far the document is wider than the window, and
// the outermost elements that stick out without a scrolling box around
// them; "" when nothing does.
const overflowJS = `(() => {
  // A phone zooms out to show a page wider than itself (innerWidth then
  // grows): the layout viewport is what the page was meant to fit.
  const w = Math.min(innerWidth, document.documentElement.clientWidth), doc = document.documentElement.scrollWidth;
  if (doc <= w && innerWidth <= w) return "";
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "");
  const desc = el => (el.parentElement && el.parentElement !== document.body ? name(el.parentElement) + " > " : "") + name(el);
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right <= w + 1 || r.width === 0) continue;
    let p = el.parentElement, inside = false;
    while (p && p !== document.body) {
      if (getComputedStyle(p).overflowX !== "visible" || p.getBoundingClientRect().right > w + 1) { inside = true; break; }
      p = p.parentElement;
    }
    if (!inside) out.push(desc(el) + " (right " + Math.round(r.right) + ")");
  }
  return "document " + doc + " px wide in a " + w + " px window: " + out.slice(0, 6).join(", ");
})()`

// inViewJS reports whether the element sel lies wholly inside the window.
const inViewJS = `((sel) => {
  const el = document.querySelector(sel);
  if (!el) return sel + " is missing";
  const r = el.getBoundingClientRect(), w = Math.min(innerWidth, document.documentElement.clientWidth);
  if (r.left < -1 || r.top < -1 || r.right > w + 1 || r.bottom > innerHeight + 1)
    return sel + " spans " + [r.left, r.top, r.right, r.bottom].map(Math.round).join(",") + " in a " + w + "×" + innerHeight + " window";
  return "";
})`

// reachableJS reports the navigation links that cannot be seen and clicked:
// scrolled into view, each must lie inside the window and be the element
// at its own centre.
const reachableJS = `(() => {
  const bad = [];
  for (const a of document.querySelectorAll("#sidebar .nav a")) {
    a.scrollIntoView({block: "nearest"});
    const r = a.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (r.width === 0 || r.left < 0 || r.right > innerWidth || r.top < 0 || r.bottom > innerHeight || !(hit && a.contains(hit)))
      bad.push(a.getAttribute("href"));
  }
  return bad.join(" ");
})()`

// TestBrowserLayoutOnPhoneAndLaptop opens every main page as a rep and as
// an admin, in Chinese and English, on a 390×844 phone and a 1366×768
// laptop: no page is wider than the window, every navigation item can be
// reached, the contact dialogs fit inside the screen, and axe-core finds
// no serious or critical accessibility violation (contrast included) on
// any page or dialog.
func TestBrowserLayoutOnPhoneAndLaptop(t *testing.T) {
	browser.Require(t)
	e := newDemoEnv(t)
	pages := map[string][]string{
		"agent1": {"/", "/plans", "/plans?tab=upcoming", "/plans/calendar", "/plans/new", "/customers", "/customers/new",
			"/records", "/bulk/new", "/bulk", "/notifications", "/profile"},
		"admin": {"/", "/customers", "/records", "/bulk", "/outbox", "/admin/users", "/admin/users/new", "/admin/teams",
			"/admin/topics", "/admin/settings", "/admin/channels", "/admin/wecom", "/admin/sms-templates",
			"/admin/import", "/admin/login-failures", "/plans/reassign"},
	}
	checked, audited := 0, 0
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			b := browser.New(t, browser.WithWindowSize(sc.width, sc.height), browser.WithTimeout(8*time.Minute))
			for _, user := range []string{"agent1", "admin"} {
				logInDemo(b, e, user)
				// Pages reached from the lists: the first customer, record,
				// send and plan the user sees.
				urls := append([]string(nil), pages[user]...)
				b.Visit(e.srv.URL+"/customers", "#customer-table")
				cust := firstHref(t, b, `#customer-table a[href^="/customers/"]`)
				urls = append(urls, cust, cust+"/records", cust+"/edit")
				b.Visit(e.srv.URL+"/records", "#records-table")
				urls = append(urls, firstHref(t, b, `#records-table a.record-title`))
				b.Visit(e.srv.URL+"/bulk", "h1")
				if href := firstHrefOr(b, `a[href^="/bulk/"]:not([href="/bulk/new"])`); href != "" {
					urls = append(urls, href)
				}
				b.Visit(e.srv.URL+"/plans?tab=upcoming", "h1")
				if href := firstHrefOr(b, `a[href^="/plans/"]:not([href^="/plans/new"]):not([href^="/plans/calendar"]):not([href^="/plans/reassign"])`); href != "" {
					urls = append(urls, href)
				}
				for _, lang := range []string{"zh-CN", "en"} {
					b.Click(fmt.Sprintf(`.topbar button[name="lang"][value="%s"]`, lang))
					b.WaitVisible(fmt.Sprintf(`.topbar button[value="%s"][aria-pressed="true"]`, lang))
					for _, u := range urls {
						b.Visit(e.srv.URL+u, "h1")
						if msg := browser.Eval[string](b, overflowJS); msg != "" {
							t.Errorf("%s %s %s: %s", user, lang, u, msg)
						}
						// Accessibility, once per page and window: Chinese on
						// the laptop, English on the phone.
						if (lang == "zh-CN") != sc.phone {
							for _, v := range axe.Serious(axe.Check(b)) {
								t.Errorf("%s %s %s: accessibility: %s", user, lang, u, v)
							}
							audited++
						}
						if user == "admin" && u == "/customers" {
							// One way of writing a number on one page.
							total, pagerText := b.Text("#customer-total"), b.Text(".pager")
							if want := fmt.Sprintf("%d,%03d", demo.Customers/1000, demo.Customers%1000); total != want || !strings.Contains(pagerText, want) {
								t.Errorf("%s: the customer total reads %q and the pager %q, want both %s", lang, total, pagerText, want)
							}
						}
						if user == "admin" && u == "/records" {
							// The total arrives after the list, written as the
							// list writes numbers.
							got := pollPage(b, `document.querySelector("#record-total").innerText.trim()`, `v !== ""`, 10*time.Second)
							if want := recordTotalText(t, e, lang); got != want {
								t.Errorf("%s: the records total reads %q, want %q", lang, got, want)
							}
						}
						if sc.phone && strings.HasPrefix(u, "/plans/calendar") {
							checkCalendarList(t, b, user+" "+lang)
						}
						checked++
					}
					checkNavigation(t, b, sc, user+" "+lang)
					checkDialogs(t, b, e, sc, cust, user+" "+lang)
				}
				b.Shot(sc.name + "-" + user)
			}
		})
	}
	t.Logf("%d page views checked at %d window sizes, %d of them audited by axe-core", checked, len(screens), audited)
}

// recordTotalText is how the records list states the number of records an
// admin sees, in lang.
func recordTotalText(t *testing.T, e *env, lang string) string {
	t.Helper()
	n, err := e.store.CountRecords(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	digits := strconv.FormatInt(min(n, record.CountCap), 10)
	var grouped strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			grouped.WriteByte(',')
		}
		grouped.WriteRune(d)
	}
	switch {
	case n > record.CountCap && lang == "en":
		return "More than " + grouped.String() + " ·"
	case n > record.CountCap:
		return grouped.String() + " 条以上 ·"
	case lang == "en":
		return grouped.String() + " in all ·"
	}
	return "共 " + grouped.String() + " 条 ·"
}

// logInDemo signs a demo user in (signing out whoever was in first).
func logInDemo(b *browser.Browser, e *env, user string) {
	if b.Visit(e.srv.URL+"/login", "body"); b.Count("form#login") == 0 {
		b.Visit(e.srv.URL+"/profile", "h1")
		b.Click("#user-menu summary")
		b.Click("#logout")
		b.WaitVisible("form#login")
	}
	b.Fill("#username", user)
	b.Fill("#password", demo.Password)
	b.Click("#login button[type=submit]")
	b.WaitVisible(".topbar")
}

func firstHref(t *testing.T, b *browser.Browser, sel string) string {
	t.Helper()
	href := firstHrefOr(b, sel)
	if href == "" {
		t.Fatalf("no link %s on %s", sel, b.URL())
	}
	return href
}

func firstHrefOr(b *browser.Browser, sel string) string {
	return browser.Eval[string](b, fmt.Sprintf(`(document.querySelector(%q) || {getAttribute: () => ""}).getAttribute("href")`, sel))
}

// checkNavigation opens the navigation (the drawer, on a phone) and checks
// that every item in it can be seen and clicked, then that Escape closes it.
func checkNavigation(t *testing.T, b *browser.Browser, sc screen, who string) {
	t.Helper()
	b.Visit(b.URL(), "h1")
	if sc.phone {
		if msg := browser.Eval[string](b, `(() => { const r = document.querySelector("#sidebar .nav a").getBoundingClientRect(); return r.right > 0 && r.left < innerWidth && getComputedStyle(document.querySelector("#sidebar")).visibility === "visible" ? "the navigation covers the page before the menu is opened" : ""; })()`); msg != "" {
			t.Errorf("%s: %s", who, msg)
		}
		b.Click("#nav-toggle")
		b.WaitVisible(`#nav-toggle[aria-expanded="true"]`)
		browser.Eval[bool](b, `new Promise(r => setTimeout(() => r(true), 250))`) // the drawer slides in
	}
	if sc.phone {
		b.Shot("navigation-" + who)
	}
	if bad := browser.Eval[string](b, reachableJS); bad != "" {
		t.Errorf("%s on a %s: navigation items out of reach: %s", who, sc.name, bad)
	}
	if n := b.Count("#sidebar .nav a"); n < 6 {
		t.Errorf("%s: %d navigation items, want at least 6", who, n)
	}
	if sc.phone {
		b.Do(chromedp.KeyEvent(kb.Escape))
		b.WaitVisible(`#nav-toggle[aria-expanded="false"]`)
	}
}

// checkDialogs opens the single-contact dialog and the add-contact dialog
// of customer cust, and the contact dialog of a plan reminder, and checks
// each lies wholly inside the window.
func checkDialogs(t *testing.T, b *browser.Browser, e *env, sc screen, cust, who string) {
	t.Helper()
	b.Visit(e.srv.URL+cust, "h1")
	for _, opener := range []string{"#contact-customer", "#add-contact", "#add-record"} {
		if b.Count(opener) == 0 {
			continue
		}
		b.Click(opener)
		b.WaitVisible("#dialog-host dialog[open]")
		if msg := browser.Eval[string](b, inViewJS+`("#dialog-host dialog[open]")`); msg != "" {
			t.Errorf("%s on a %s, %s: %s", who, sc.name, opener, msg)
		}
		if sc.phone && opener == "#contact-customer" {
			b.Shot("contact-dialog-" + who)
		}
		if !sc.phone && strings.HasSuffix(who, "zh-CN") {
			for _, v := range axe.Serious(axe.Check(b)) {
				t.Errorf("%s, %s open: accessibility: %s", who, opener, v)
			}
		}
		if msg := browser.Eval[string](b, overflowJS); msg != "" {
			t.Errorf("%s on a %s, %s open: %s", who, sc.name, opener, msg)
		}
		b.Do(chromedp.KeyEvent(kb.Escape))
		b.WaitGone("#dialog-host dialog[open]")
	}
	if strings.HasPrefix(who, "agent1") {
		b.Visit(e.srv.URL+"/plans", "h1")
		if b.Count("a.plan-contact") > 0 {
			b.Click("a.plan-contact")
			b.WaitVisible("#dialog-host dialog[open]")
			if msg := browser.Eval[string](b, inViewJS+`("#dialog-host dialog[open]")`); msg != "" {
				t.Errorf("%s on a %s, a plan's contact dialog: %s", who, sc.name, msg)
			}
			b.Do(chromedp.KeyEvent(kb.Escape))
			b.WaitGone("#dialog-host dialog[open]")
		}
	}
}

// checkCalendarList checks the phone's calendar: a list of days in which
// every plan shows whole, not cut to its first characters.
func checkCalendarList(t *testing.T, b *browser.Browser, who string) {
	t.Helper()
	got := browser.Eval[string](b, `(() => {
  const shown = [...document.querySelectorAll(".cal-plan")].filter(a => a.offsetParent !== null);
  if (shown.length === 0) return "no plan is shown";
  const cut = shown.filter(a => a.scrollWidth > a.clientWidth + 1 || !a.textContent.includes("·"));
  return cut.length ? cut.length + " of " + shown.length + " plans cut, e.g. " + JSON.stringify(cut[0].innerText) : "";
})()`)
	if got != "" {
		t.Errorf("%s: the calendar on a phone: %s", who, got)
	}
}
