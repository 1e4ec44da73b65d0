package record_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/record"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestExportCSVAndXLSX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setup(t, s)
		when := time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC)
		for i := 0; i < 1200; i++ { // more than two pages of the store's iteration
			title := "回访"
			if i == 0 {
				title = `quote " and, comma`
			}
			if _, err := f.svc.AddManual(ctx, f.repPol, record.ManualInput{
				Common:  record.Common{ContactID: f.contact.ID, Title: title, TopicIDs: []int64{f.topic.ID}},
				Channel: model.ChannelPhone, ContactedAt: when.Add(-time.Duration(i) * time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
		// The newest record: an SMS, whose address a spreadsheet would
		// otherwise read as the number 8.6E+12.
		sms := &model.Record{CustomerID: f.customer.ID, ContactID: &f.contact.ID, UserID: &f.rep.ID, Channel: model.ChannelSMS,
			Source: model.SourceSingle, Status: model.RecordDelivered, Title: "到期提醒", Address: "+8613800000001",
			ContactedAt: when.Add(time.Minute)}
		if err := s.CreateRecord(ctx, sms); err != nil {
			t.Fatal(err)
		}
		shanghai, _ := time.LoadLocation("Asia/Shanghai")
		var buf bytes.Buffer
		if err := f.svc.Export(ctx, f.repPol, storage.RecordFilter{}, record.FormatCSV, "zh-CN", shanghai, &buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("\uFEFF")) {
			t.Fatal("CSV lacks the byte-order mark")
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1202 || rows[0][1] != "联系时间" || rows[0][5] != "渠道" || rows[0][17] != "渠道代码" {
			t.Fatalf("%d rows, header %v", len(rows), rows[0])
		}
		// Channel, source, status and direction read in the user's
		// language, their codes in the last four columns; the address stays
		// whole, as text.
		if got, want := rows[1][5:8], []string{"短信", "单个联系", "已送达"}; !slices.Equal(got, want) {
			t.Fatalf("SMS row worded %q, want %q", got, want)
		}
		if got, want := rows[1][16:], []string{"我方联系", "sms", "single", "delivered", "outbound"}; !slices.Equal(got, want) {
			t.Fatalf("SMS row ends %q, want %q", got, want)
		}
		if rows[1][13] != "'+8613800000001" {
			t.Fatalf("CSV address %q", rows[1][13])
		}
		first := rows[2]
		if first[1] != "2026-11-20 10:30:00" || first[2] != "恒信科技" || first[3] != "李雷" || first[8] != `quote " and, comma` || first[9] != "续费提醒" || first[5] != "电话" || first[6] != "手工记录" {
			t.Fatalf("first row: %q", first)
		}

		// An agent who may not see the customer exports only a header.
		buf.Reset()
		own := permission.For(f.stranger, model.Settings{Visibility: model.VisibilityOwn})
		if err := f.svc.Export(ctx, own, storage.RecordFilter{}, record.FormatCSV, "en", nil, &buf); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(buf.String(), "\n"); got != 1 {
			t.Fatalf("invisible records exported: %d lines", got)
		}

		buf.Reset()
		if err := f.svc.Export(ctx, f.repPol, storage.RecordFilter{}, record.FormatXLSX, "en", time.UTC, &buf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		xrows, err := x.GetRows("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		if len(xrows) != 1202 || xrows[0][0] != "ID" || xrows[0][17] != "Channel code" || xrows[2][1] != "2026-11-20 02:30:00" ||
			xrows[2][9] != "续费提醒" || xrows[1][5] != "SMS" || xrows[1][7] != "Delivered" || xrows[1][19] != "delivered" {
			t.Fatalf("xlsx: %d rows, %v / %v / %v", len(xrows), xrows[0], xrows[1], xrows[2])
		}
		// Every cell is typed text: the address reads +8613800000001, never
		// a number.
		for col := 1; col <= len(xrows[1]); col++ {
			cell, _ := excelize.CoordinatesToCellName(col, 2)
			typ, err := x.GetCellType("Sheet1", cell)
			if err != nil {
				t.Fatal(err)
			}
			if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString && !(typ == excelize.CellTypeUnset && xrows[1][col-1] == "") {
				t.Errorf("xlsx cell %s (%q) has type %v, not text", cell, xrows[1][col-1], typ)
			}
		}
		if xrows[1][13] != "+8613800000001" {
			t.Fatalf("xlsx address %q", xrows[1][13])
		}
		if err := f.svc.Export(ctx, f.repPol, storage.RecordFilter{}, "pdf", "en", nil, &buf); err == nil {
			t.Fatal("unknown format accepted")
		}
	})
}
