package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// upload posts a CSV to the import page as a browser form does.
func (c *client) upload(csv string, fields map[string]string) response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", c.csrf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if csv != "" {
		fw, _ := mw.CreateFormFile("file", "customers.csv")
		fw.Write([]byte(csv))
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+"/admin/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

const importCSV = "客户编码,客户名称,专属客服,联系人,手机,邮箱\n" +
	"N100,Northwind,agent1,Anna,13800002222,anna@northwind.example\n" +
	"N101,Contoso,,Bob,12345,bob@contoso.example\n" +
	"N102,Fabrikam,nobody,Carl,,carl@fabrikam.example\n"

func TestImportPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()

		agent := e.signedIn(t, e.agent1)
		if res := agent.upload(importCSV, nil); res.status != http.StatusForbidden {
			t.Fatalf("agent import: %d", res.status)
		}

		admin := e.signedIn(t, e.admin)
		admin.lang = "en"
		if res := admin.get("/admin/import"); res.status != http.StatusOK || !strings.Contains(res.body, `enctype="multipart/form-data"`) {
			t.Fatalf("import page: %d", res.status)
		}
		if res := admin.upload("", nil); res.status != http.StatusBadRequest || !strings.Contains(res.body, "Choose a CSV file.") {
			t.Errorf("no file: %d", res.status)
		}
		if res := admin.upload("name,mobile\nx,y\n", nil); res.status != http.StatusBadRequest || !strings.Contains(res.body, "customer code") {
			t.Errorf("no code column: %d\n%s", res.status, res.body)
		}

		// A dry run reports everything and writes nothing.
		res := admin.upload(importCSV, map[string]string{"dry_run": "on"})
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="import-report"`) || !strings.Contains(res.body, "Dry run") {
			t.Fatalf("dry run: %d\n%s", res.status, res.body)
		}
		if _, err := s.CustomerByCode(ctx, "N100"); err != model.ErrNotFound {
			t.Fatalf("a dry run wrote customer N100: %v", err)
		}
		for _, want := range []string{`<b>3</b>rows read`, `<b>2</b>rows rejected`, "This is not a valid mobile number.",
			"No user has this username.", `<td class="num">3</td>`, `<td class="num">4</td>`, "12345"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("dry-run report lacks %q", want)
			}
		}

		res = admin.upload(importCSV, nil)
		if res.status != http.StatusOK || !strings.Contains(res.body, `<b>1</b>customers created`) {
			t.Fatalf("import: %d\n%s", res.status, res.body)
		}
		n, err := s.CustomerByCode(ctx, "N100")
		if err != nil || n.RepID == nil || *n.RepID != e.agent1.ID {
			t.Fatalf("imported customer: %+v %v", n, err)
		}
		if _, err := s.CustomerByCode(ctx, "N101"); err != model.ErrNotFound {
			t.Errorf("a rejected row was imported: %v", err)
		}
		// The agent now finds the imported customer with its contact.
		if res := agent.get("/customers?q=northwind"); !strings.Contains(res.body, "Northwind") {
			t.Error("the agent does not see the imported customer")
		}
	})
}

// TestImportStoppedPartWayShowsWhatWasWritten: a file refused further
// down, after its first 2,000 rows were written, shows the refusal and
// the report of what was written, with the line it reaches.
func TestImportStoppedPartWayShowsWhatWasWritten(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		var b strings.Builder
		b.WriteString("customer_code,customer_name,contact_name,mobile\n")
		for i := range 2500 {
			fmt.Fprintf(&b, "M%05d,客户%d,联系人%d,1380%07d\n", i, i, i, i)
		}
		b.WriteString("M99999,\"" + strings.Repeat("x", 1<<20+1) + "\n")
		res := e.signedIn(t, e.admin).upload(b.String(), nil)
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="import-stopped"`) ||
			!strings.Contains(res.body, "第 2001 行及之前的行已写入") || !strings.Contains(res.body, `id="import-report"`) {
			t.Fatalf("import stopped part-way: %d\n%s", res.status, res.body)
		}
	})
}
