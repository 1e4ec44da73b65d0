package record_test

import (
	"bytes"
	"context"
	"encoding/csv"
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
		if len(rows) != 1201 || rows[0][1] != "联系时间" {
			t.Fatalf("%d rows, header %v", len(rows), rows[0])
		}
		first := rows[1]
		if first[1] != "2026-11-20 10:30:00" || first[2] != "恒信科技" || first[3] != "李雷" || first[8] != `quote " and, comma` || first[9] != "续费提醒" {
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
		if len(xrows) != 1201 || xrows[0][0] != "ID" || xrows[1][1] != "2026-11-20 02:30:00" || xrows[1][9] != "续费提醒" {
			t.Fatalf("xlsx: %d rows, %v / %v", len(xrows), xrows[0], xrows[1])
		}
		if err := f.svc.Export(ctx, f.repPol, storage.RecordFilter{}, "pdf", "en", nil, &buf); err == nil {
			t.Fatal("unknown format accepted")
		}
	})
}
