package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"touchbase/internal/model"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/browser"
)

// fetchJS downloads the href of the link sel as the page's user would
// (same session) and returns the body base64-encoded.
const fetchJS = `fetch(document.querySelector(%q).href).then(r => r.arrayBuffer()).then(buf => {
  let s = ""; new Uint8Array(buf).forEach(x => s += String.fromCharCode(x)); return btoa(s);
})`

// TestBrowserRecordsTotalAndExports opens the records list as a rep: the
// total arrives after the list; the XLSX and CSV the export buttons give
// word channel, source and status in the user's language with the codes
// beside them, and keep the mobile number whole, as text.
func TestBrowserRecordsTotalAndExports(t *testing.T) {
	b := browser.New(t)
	e := newEnv(t, storetest.SQLite(t))
	ctx := context.Background()
	e.agent1.Language = "zh-CN"
	must(t, e.store.UpdateUser(ctx, e.agent1))
	must(t, e.store.CreateRecord(ctx, &model.Record{CustomerID: e.acme.ID, UserID: &e.agent1.ID, Channel: model.ChannelSMS,
		Source: model.SourceSingle, Status: model.RecordDelivered, Title: "续费提醒", Address: "+8613800138000"}))

	e.logIn(b, "agent1")
	b.WaitVisible(".topbar")
	b.Visit(e.srv.URL+"/records", "#records-table")
	if got := pollPage(b, `document.querySelector("#record-total").innerText.trim()`, `v !== ""`, 10*time.Second); got != "共 1 条 ·" {
		t.Errorf("the total reads %q", got)
	}

	raw, err := base64.StdEncoding.DecodeString(browser.Eval[string](b, fmt.Sprintf(fetchJS, "#export-xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the XLSX export does not open: %v", err)
	}
	rows, err := x.GetRows("Sheet1")
	if err != nil || len(rows) != 2 {
		t.Fatalf("XLSX rows %v: %v", rows, err)
	}
	col := func(name string) int {
		i := slices.Index(rows[0], name)
		if i < 0 {
			t.Fatalf("no column %q in %q", name, rows[0])
		}
		return i
	}
	for name, want := range map[string]string{"渠道": "短信", "来源": "单个联系", "状态": "已送达", "渠道代码": "sms",
		"状态代码": "delivered", "地址": "+8613800138000"} {
		if got := rows[1][col(name)]; got != want {
			t.Errorf("XLSX %s: %q, want %q", name, got, want)
		}
	}
	cell, _ := excelize.CoordinatesToCellName(col("地址")+1, 2)
	if typ, err := x.GetCellType("Sheet1", cell); err != nil || (typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString) {
		t.Errorf("the mobile number's cell has type %v (%v), not text", typ, err)
	}

	// In English, the CSV.
	b.Click(`.topbar button[name="lang"][value="en"]`)
	b.WaitVisible(`.topbar button[value="en"][aria-pressed="true"]`)
	b.Visit(e.srv.URL+"/records", "#records-table")
	csv, err := base64.StdEncoding.DecodeString(browser.Eval[string](b, fmt.Sprintf(fetchJS, "#export-csv")))
	if err != nil {
		t.Fatal(err)
	}
	text := string(csv)
	for _, want := range []string{"Channel code", ",SMS,", ",Delivered,", "'+8613800138000", ",sms,single,delivered,outbound"} {
		if !strings.Contains(text, want) {
			t.Errorf("the CSV lacks %q:\n%s", want, text)
		}
	}
}
