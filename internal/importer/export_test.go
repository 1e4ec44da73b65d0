package importer_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"touchbase/internal/importer"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestExportImportsAgain exports ticked customers as a rep: only
// those the rep sees, a row per contact, in the import's format; the file
// imports into an empty database as the same customers and contacts.
func TestExportImportsAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		users := addUsers(t, s)
		wang, err := s.UserByID(ctx, users["wang"])
		if err != nil {
			t.Fatal(err)
		}
		liID := users["li"]
		hx := &model.Customer{Code: "HX", Name: "恒信科技", Level: "A", Industry: "制造", Notes: "=SUM(1) 不是公式", RepID: &wang.ID}
		qt := &model.Customer{Code: "QT", Name: "青藤贸易", RepID: &wang.ID, DoNotContact: true}
		other := &model.Customer{Code: "OT", Name: "别人的客户", RepID: &liID}
		for _, c := range []*model.Customer{hx, qt, other} {
			if err := s.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		for _, ct := range []*model.Contact{
			{CustomerID: hx.ID, Name: "李雷", Title: "经理", Mobile: "+8613800138000", Primary: true},
			{CustomerID: hx.ID, Name: "韩梅", Email: "han@example.cn", OptOutSMS: true},
			{CustomerID: other.ID, Name: "外人", Mobile: "+8613900139000"},
		} {
			if err := s.CreateContact(ctx, ct); err != nil {
				t.Fatal(err)
			}
		}
		pol := permission.For(wang, model.Settings{Visibility: model.VisibilityOwn})
		var buf bytes.Buffer
		if err := importer.Export(ctx, s, pol, []int64{hx.ID, qt.ID, other.ID}, "zh-CN", &buf); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || rows[0][0] != "客户编码" || rows[0][10] != "手机" {
			t.Fatalf("export: %q", rows)
		}
		if strings.Contains(buf.String(), "别人的客户") || strings.Contains(buf.String(), "外人") {
			t.Fatal("the export holds a customer the rep may not see")
		}
		if got := rows[1]; got[1] != "恒信科技" || got[6] != "wang" || got[7] != "否" || got[8] != "李雷" || got[10] != "'+8613800138000" || got[15] != "是" {
			t.Errorf("first row: %q", got)
		}
		if got := rows[3]; got[1] != "青藤贸易" || got[7] != "是" || got[8] != "" {
			t.Errorf("a customer without contacts: %q", got)
		}

		// The same file into an empty database, with the same users.
		s2 := storetest.SQLite(t)
		addUsers(t, s2)
		rep, err := importer.Import(ctx, s2, bytes.NewReader(buf.Bytes()), importer.Options{DefaultRegion: "CN"})
		if err != nil || rep.Failed != 0 || rep.CustomersCreated != 2 || rep.ContactsCreated != 2 {
			t.Fatalf("import of the export: %+v, %v", rep, err)
		}
		got, err := s2.CustomerByCode(ctx, "HX")
		if err != nil || got.Name != hx.Name || got.Level != "A" || got.Industry != "制造" || got.Notes != hx.Notes || got.RepID == nil {
			t.Fatalf("imported HX: %+v, %v", got, err)
		}
		cts, err := s2.ListContacts(ctx, permission.Policy{Admin: true}, storage.ContactFilter{CustomerID: got.ID})
		if err != nil || len(cts) != 2 {
			t.Fatalf("imported contacts: %v, %v", cts, err)
		}
		byName := map[string]*model.Contact{cts[0].Name: cts[0], cts[1].Name: cts[1]}
		if l := byName["李雷"]; l == nil || l.Mobile != "+8613800138000" || !l.Primary || l.Title != "经理" {
			t.Errorf("imported 李雷: %+v", l)
		}
		if h := byName["韩梅"]; h == nil || h.Email != "han@example.cn" || !h.OptOutSMS || h.Primary {
			t.Errorf("imported 韩梅: %+v", h)
		}
		if qt2, err := s2.CustomerByCode(ctx, "QT"); err != nil || !qt2.DoNotContact {
			t.Errorf("imported QT: %+v, %v", qt2, err)
		}

		// Nothing ticked, or too much, says so on the field.
		var fe *model.FieldError
		if err := importer.Export(ctx, s, pol, nil, "en", &buf); !errors.As(err, &fe) || fe.Field != "customer_ids" {
			t.Errorf("nothing ticked: %v", err)
		}
		many := make([]int64, importer.MaxExport+1)
		for i := range many {
			many[i] = int64(i + 1)
		}
		if err := importer.Export(ctx, s, pol, many, "en", &buf); !errors.As(err, &fe) || fe.Code != "too_many" {
			t.Errorf("too many: %v", err)
		}
	})
}
