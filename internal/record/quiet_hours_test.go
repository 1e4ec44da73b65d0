package record_test

import (
	"context"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/plan"
	"touchbase/internal/record"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestSingleContactInQuietHours: at 22:30 in Shanghai a marketing SMS to a
// Chinese mobile is in quiet hours (default 08:00–21:00): the preview
// says so, sending without a reason is refused naming the field and sends
// nothing, and with a reason the SMS goes and its record keeps the reason
// (the e-mail of the same contact, any time, keeps none). A service SMS
// at that hour needs no reason.
func TestSingleContactInQuietHours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setup(t, s)
		sh, _ := time.LoadLocation("Asia/Shanghai")
		night := time.Date(2026, 12, 8, 22, 30, 0, 0, sh)
		svc := record.NewService(s, f.reg, nil, plan.NewService(s, nil, time.Now), func() time.Time { return night })
		in := record.SingleInput{Common: record.Common{ContactID: f.contact.ID, Title: "年终回馈"},
			SMS:   &record.SMSContent{Text: "{{contact.name}}您好，年终回馈八折，回复R退订", Marketing: true},
			Email: &record.EmailContent{Subject: "年终回馈", Body: "您好"}}

		pv, err := svc.Preview(ctx, f.repPol, f.rep, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(pv.Quiet) != 1 || pv.Quiet[0].Channel != model.ChannelSMS || pv.Quiet[0].Local.Format("15:04") != "22:30" ||
			!pv.Quiet[0].Until.Equal(time.Date(2026, 12, 9, 8, 0, 0, 0, sh)) {
			t.Fatalf("preview quiet hours: %+v", pv.Quiet)
		}
		_, err = svc.Send(ctx, f.repPol, f.rep, in)
		if ve, ok := model.AsValidation(err); !ok || ve.For("quiet_hours_override") == nil {
			t.Fatalf("send without a reason: %v", err)
		}
		if out, _ := s.ListOutbox(ctx, storage.OutboxFilter{}); len(out) != 0 || len(f.records(t)) != 0 {
			t.Fatalf("refused send left %d messages, %d records", len(out), len(f.records(t)))
		}

		in.QuietOverride = "  客户约定今晚联系  "
		res, err := svc.Send(ctx, f.repPol, f.rep, in)
		if err != nil || len(res) != 2 {
			t.Fatalf("send with a reason: %v %+v", err, res)
		}
		for _, r := range f.records(t) {
			want := ""
			if r.Channel == model.ChannelSMS {
				want = "客户约定今晚联系"
			}
			if r.QuietOverride != want {
				t.Fatalf("%s record keeps %q, want %q", r.Channel, r.QuietOverride, want)
			}
		}

		service := record.SingleInput{Common: record.Common{ContactID: f.contact.ID, Title: "服务通知"},
			SMS: &record.SMSContent{Text: "您的工单已处理"}}
		if pv, err := svc.Preview(ctx, f.repPol, f.rep, service); err != nil || len(pv.Quiet) != 0 {
			t.Fatalf("service SMS preview: %+v %v", pv, err)
		}
		if _, err := svc.Send(ctx, f.repPol, f.rep, service); err != nil {
			t.Fatalf("service SMS at night: %v", err)
		}
	})
}
