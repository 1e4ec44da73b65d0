package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"touchbase/internal/i18n"
)

// dynamicPrefixes are catalog keys built at run time (error codes, status
// pages, roles…), which the scan below cannot see used.
var dynamicPrefixes = []string{"import.col.", "error.", "errorpage.", "role.", "relation.", "language.", "visibility.", "login.",
	"medium.", "source.", "recstatus.", "provider.", "mergefield.", "bulk.step_", "bulkstatus.", "rcpt.", "bulkreason.", "wecomtask.",
	"bot.provider.", "direction.", "optout.source.", "smstpl.kind.", "smstpl.state.", "delivery_reason.", "bulk.count_",
	"unsubscribe.record_", // the unsubscribe service writes the record of an unsubscribe
	"settings.window.",    // the settings page names each send window
	"settings.price_",     // the settings page prices each channel
	"bulk.paused_",        // why a send paused
	"bulk.approval_",      // a send's approval, by state and need
	"bulk.review_approval_",
	"reply.",            // the reply service writes the records and notifications of SMS replies
	"bulknotify.",       // the notifications of bulk sends
	"plannotify.",       // the plan service tells managers of plans out of reach
	"wecom.errcode.",    // WeCom's refusals, by errcode
	"wecom.matched_by.", // how a WeCom identity was matched
	"wecom.secret.",     // the WeCom connection's secret fields
	"wecomapp.",         // the WeCom service writes application messages
	"export.",           // the headings of CSV and XLSX exports, by column
	"single.wecom_",     // why a WeCom message cannot reach a contact, by code
	"singlenotify.",     // the record service tells reps of WeCom messages that did not go
}

var (
	templateKey = regexp.MustCompile(`\bt "([^"]+)"`)
	goLiteral   = regexp.MustCompile(`"([a-z_]+(?:\.[A-Za-z0-9_\-]+)+)"`)
)

// TestCatalogKeys checks that every key the templates and handlers use is
// in the catalogs, and that every catalog key is used somewhere.
func TestCatalogKeys(t *testing.T) {
	prefixes := map[string]bool{}
	for _, k := range i18n.Keys(i18n.EN) {
		prefixes[k[:strings.IndexByte(k+".", '.')]] = true
	}
	used := map[string]bool{}
	check := func(file, key string) {
		used[key] = true
		if !i18n.Has(i18n.EN, key) || !i18n.Has(i18n.ZhCN, key) {
			t.Errorf("%s uses %q, which a catalog lacks", file, key)
		}
	}
	files, _ := filepath.Glob("templates/*.html")
	more, _ := filepath.Glob("templates/*/*.html")
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			check(f, m[1])
		}
	}
	gofiles, _ := filepath.Glob("*.go")
	for _, f := range gofiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goLiteral.FindAllStringSubmatch(string(b), -1) {
			key := m[1]
			switch {
			case !prefixes[key[:strings.IndexByte(key, '.')]], strings.HasSuffix(key, ".html"):
			case len(i18n.KeysWithPrefix(i18n.EN, key+".")) > 0: // a prefix such as "errorpage.500"
			default:
				check(f, key)
			}
		}
	}
	for _, k := range i18n.Keys(i18n.EN) {
		dynamic := false
		for _, p := range dynamicPrefixes {
			dynamic = dynamic || strings.HasPrefix(k, p)
		}
		if !used[k] && !dynamic {
			t.Errorf("catalog key %q is not used", k)
		}
	}
}
