package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"touchbase/internal/importer"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// addUsers creates the reps the fixtures name: wang and li.
func addUsers(t testing.TB, s *storage.Store) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for _, name := range []string{"wang", "li"} {
		u := &model.User{Username: name, Role: model.RoleAgent, Active: true}
		if err := s.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		ids[name] = u.ID
	}
	return ids
}

// summary renders the parts of a report the tests compare.
func summary(r *importer.Report) string {
	errs := make([]string, len(r.Errors))
	for i, e := range r.Errors {
		errs[i] = fmt.Sprintf("%d:%s", e.Line, e.Field)
	}
	return fmt.Sprintf("rows=%d failed=%d customers=+%d~%d contacts=+%d~%d errors=[%s]",
		r.Rows, r.Failed, r.CustomersCreated, r.CustomersUpdated, r.ContactsCreated, r.ContactsUpdated,
		strings.Join(errs, " "))
}

// dump renders every customer with its contacts, ordered by code, then
// contact name and mobile.
func dump(t testing.TB, s *storage.Store) string {
	t.Helper()
	rows, err := s.ReadDB().QueryContext(context.Background(), `
		SELECT c.code, c.name, c.level, c.industry, c.address, c.notes, COALESCE(u.username, ''), c.do_not_contact,
			COALESCE(ct.name, ''), COALESCE(ct.title, ''), COALESCE(ct.mobile, ''), COALESCE(ct.email, ''),
			COALESCE(ct.wecom_id, ''), COALESCE(ct.opt_out_sms, FALSE), COALESCE(ct.opt_out_email, FALSE),
			COALESCE(ct.is_primary, FALSE)
		FROM customers c LEFT JOIN users u ON u.id = c.rep_id LEFT JOIN contacts ct ON ct.customer_id = c.id
		ORDER BY c.code, ct.name, ct.mobile`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	last := ""
	for rows.Next() {
		var code, name, level, industry, address, notes, rep, ctName, title, mobile, email, wecom string
		var dnc, optSMS, optEmail, primary bool
		if err := rows.Scan(&code, &name, &level, &industry, &address, &notes, &rep, &dnc,
			&ctName, &title, &mobile, &email, &wecom, &optSMS, &optEmail, &primary); err != nil {
			t.Fatal(err)
		}
		if code != last {
			fmt.Fprintf(&b, "%s %s|%s|%s|%s|%q|rep=%s|dnc=%v\n", code, name, level, industry, address, notes, rep, dnc)
			last = code
		}
		if ctName != "" {
			fmt.Fprintf(&b, "  %s|%s|%s|%s|%s|sms=%v|email=%v|primary=%v\n", ctName, title, mobile, email, wecom,
				optSMS, optEmail, primary)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// count returns the number of rows of a table.
func count(t testing.TB, s *storage.Store, table string) int {
	t.Helper()
	var n int
	if err := s.ReadDB().QueryRowContext(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// gbk encodes a fixture as Excel on Chinese Windows saves it.
func gbk(t testing.TB, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := simplifiedchinese.GBK.NewEncoder().Writer(&buf)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// crlf turns a fixture's line ends into CRLF.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
