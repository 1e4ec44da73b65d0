package record_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/channel/registry"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/plan"
	"touchbase/internal/record"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

type fixture struct {
	store              *storage.Store
	svc                *record.Service
	reg                *registry.Registry
	plans              *plan.Service
	rep, stranger      *model.User
	customer           *model.Customer
	contact, optedOut  *model.Contact
	topic              *model.Topic
	repPol, strangePol permission.Policy
}

func setup(t *testing.T, s *storage.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{store: s}
	box, err := channel.NewSecretBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	f.reg = registry.New(s, box, channel.Env{HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	f.plans = plan.NewService(s, nil, time.Now)
	f.svc = record.NewService(s, f.reg, nil, f.plans, time.Now)
	f.rep = &model.User{Username: "rep", DisplayName: "王芳", Role: model.RoleAgent, Active: true}
	f.stranger = &model.User{Username: "stranger", Role: model.RoleAgent, Active: true}
	for _, u := range []*model.User{f.rep, f.stranger} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	f.customer = &model.Customer{Name: "恒信科技", Code: "HX", RepID: &f.rep.ID}
	if err := s.CreateCustomer(ctx, f.customer); err != nil {
		t.Fatal(err)
	}
	f.contact = &model.Contact{CustomerID: f.customer.ID, Name: "李雷", Mobile: "+8613800000001", Email: "li@example.cn"}
	f.optedOut = &model.Contact{CustomerID: f.customer.ID, Name: "韩梅", Mobile: "+8613800000002", OptOutSMS: true}
	for _, c := range []*model.Contact{f.contact, f.optedOut} {
		if err := s.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	f.topic = &model.Topic{Name: "续费提醒", Active: true}
	if err := s.CreateTopic(ctx, f.topic); err != nil {
		t.Fatal(err)
	}
	f.repPol = permission.For(f.rep, model.Settings{Visibility: model.VisibilityAll})
	f.strangePol = permission.For(f.stranger, model.Settings{Visibility: model.VisibilityAll})
	return f
}

func (f *fixture) records(t *testing.T) []*model.Record {
	t.Helper()
	var out []*model.Record
	err := f.store.EachRecord(context.Background(), permission.Policy{Admin: true}, storage.RecordFilter{},
		func(r *model.Record) error { out = append(out, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSingleContactThroughOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setup(t, s)
		in := record.SingleInput{
			Common: record.Common{ContactID: f.contact.ID, Title: "续费", TopicIDs: []int64{f.topic.ID}, Summary: "提醒续费"},
			SMS:    &record.SMSContent{Text: "{{contact.name}}您好，{{customer.name}}的服务将到期。— {{user.name}}"},
			Email:  &record.EmailContent{Subject: "{{customer.name}} 续费提醒", Body: "Dear {{contact.name}},\n\n<renew> soon."},
		}
		res, err := f.svc.Send(ctx, f.repPol, f.rep, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 2 || res[0].Status != "sent" || res[1].Status != "sent" || res[0].RecordID == 0 {
			t.Fatalf("results: %+v", res)
		}
		out, err := s.ListOutbox(ctx, storage.OutboxFilter{})
		if err != nil || len(out) != 2 {
			t.Fatalf("outbox: %v %d", err, len(out))
		}
		var sms, mail *model.OutboxMessage
		for _, m := range out {
			if m.Kind == "sms" {
				sms = m
			} else {
				mail = m
			}
		}
		if sms.To != "+8613800000001" || sms.Body != "李雷您好，恒信科技的服务将到期。— 王芳" {
			t.Fatalf("sms in outbox: %+v", sms)
		}
		if mail.Subject != "恒信科技 续费提醒" || !strings.Contains(mail.HTML, "&lt;renew&gt;") || !strings.Contains(mail.Body, "<renew>") {
			t.Fatalf("email in outbox: %+v", mail)
		}
		recs := f.records(t)
		if len(recs) != 2 {
			t.Fatalf("want one record per channel, got %d", len(recs))
		}
		for _, r := range recs {
			if r.Source != model.SourceSingle || r.Status != model.RecordSent || r.Title != "续费" || len(r.TopicIDs) != 1 ||
				r.UserID == nil || *r.UserID != f.rep.ID || r.ProviderMessageID == "" || r.Provider != "outbox" {
				t.Fatalf("record: %+v", r)
			}
		}
	})
}

func TestSingleContactRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setup(t, s)
		base := record.Common{ContactID: f.contact.ID, Title: "hi"}
		sms := &record.SMSContent{Text: "hello"}
		cases := []struct {
			name  string
			pol   permission.Policy
			in    record.SingleInput
			want  error
			field string
		}{
			{"stranger may see but not contact", f.strangePol, record.SingleInput{Common: base, SMS: sms}, model.ErrForbidden, ""},
			{"invisible contact", permission.For(f.stranger, model.Settings{Visibility: model.VisibilityOwn}),
				record.SingleInput{Common: base, SMS: sms}, model.ErrNotFound, ""},
			{"no channel", f.repPol, record.SingleInput{Common: base}, nil, "channels"},
			{"opted out of SMS", f.repPol, record.SingleInput{Common: record.Common{ContactID: f.optedOut.ID, Title: "x"}, SMS: sms}, nil, "sms"},
			{"no e-mail address", f.repPol, record.SingleInput{Common: record.Common{ContactID: f.optedOut.ID, Title: "x"},
				Email: &record.EmailContent{Subject: "s", Body: "b"}}, nil, "email"},
			{"unknown merge field", f.repPol, record.SingleInput{Common: base, SMS: &record.SMSContent{Text: "{{contact.age}}"}}, nil, "sms.text"},
			{"missing title", f.repPol, record.SingleInput{Common: record.Common{ContactID: f.contact.ID}, SMS: sms}, nil, "title"},
			{"retired topic", f.repPol, record.SingleInput{Common: record.Common{ContactID: f.contact.ID, Title: "x", TopicIDs: []int64{999}}, SMS: sms}, nil, "topic_ids"},
		}
		for _, c := range cases {
			_, err := f.svc.Send(ctx, c.pol, f.rep, c.in)
			if c.want != nil {
				if !errors.Is(err, c.want) {
					t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
				}
				continue
			}
			ve, ok := model.AsValidation(err)
			if !ok || ve.For(c.field) == nil {
				t.Errorf("%s: err = %v, want a field error on %s", c.name, err, c.field)
			}
		}
		// With contact opened to all, the stranger may contact.
		open := permission.For(f.stranger, model.Settings{Visibility: model.VisibilityAll, OpenContactAll: true})
		if res, err := f.svc.Send(ctx, open, f.stranger, record.SingleInput{Common: base, SMS: sms}); err != nil || res[0].Status != "sent" {
			t.Fatalf("open contact: %+v %v", res, err)
		}
		// Do-not-contact customers are refused to everyone.
		f.customer.DoNotContact = true
		if err := s.UpdateCustomer(ctx, f.customer); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Send(ctx, permission.Policy{Admin: true}, f.rep, record.SingleInput{Common: base, SMS: sms})
		if ve, ok := model.AsValidation(err); !ok || ve.For("customer") == nil {
			t.Fatalf("do-not-contact: %v", err)
		}
		if n := len(f.records(t)); n != 1 {
			t.Fatalf("refused sends left %d records, want only the one allowed send", n)
		}
	})
}

func TestSingleContactProviderFailureKeepsReason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setup(t, s)
		var calls int
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls++
			var body struct {
				Messages []struct {
					Ref, To, Text string
				}
			}
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Messages) != 1 {
				t.Errorf("webhook body: %v %+v", err, body)
			}
			if r.Header.Get(channel.WebhookSignatureHeader) == "" {
				t.Error("webhook request is not signed")
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"results": []any{map[string]any{"ref": body.Messages[0].Ref,
				"error": map[string]any{"code": "invalid_mobile", "message": "number unreachable", "transient": false}}}})
		}))
		defer srv.Close()
		cfg, _ := json.Marshal(map[string]any{"url": srv.URL, "secret": "s3cret"})
		if err := f.reg.Save(ctx, f.rep.ID, channel.KindSMS, channel.ProviderWebhook, cfg, 10); err != nil {
			t.Fatal(err)
		}
		res, err := f.svc.Send(ctx, f.repPol, f.rep, record.SingleInput{
			Common: record.Common{ContactID: f.contact.ID, Title: "hi"}, SMS: &record.SMSContent{Text: "hello"}})
		if err != nil {
			t.Fatal(err)
		}
		if calls != 1 || len(res) != 1 || res[0].Status != "failed" || res[0].Reason != "invalid_mobile" || res[0].RecordID != 0 {
			t.Fatalf("calls=%d results=%+v", calls, res)
		}
		if n := len(f.records(t)); n != 0 {
			t.Fatalf("a failed send created %d records", n)
		}
		ds, err := s.DeliveriesOfContact(ctx, f.contact.ID, 10)
		if err != nil || len(ds) != 1 || ds[0].Status != "failed" || ds[0].Reason != "invalid_mobile" || ds[0].Detail == "" {
			t.Fatalf("delivery log: %v %+v", err, ds)
		}
		// The stored secret is sealed, and hidden from the settings view.
		cfgs, _ := s.ChannelConfigs(ctx)
		if strings.Contains(string(cfgs["sms"].Config), "s3cret") {
			t.Fatal("provider secret stored in clear")
		}
		settings, _ := f.reg.Settings(ctx)
		for _, st := range settings {
			if strings.Contains(string(st.Config), "s3cret") || strings.Contains(string(st.Config), "sealed") {
				t.Fatalf("secret shown in settings: %s", st.Config)
			}
		}
		// Saving again without the secret keeps it.
		cfg2, _ := json.Marshal(map[string]any{"url": srv.URL, "secret": ""})
		if err := f.reg.Save(ctx, f.rep.ID, channel.KindSMS, channel.ProviderWebhook, cfg2, 5); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.reg.Channel(ctx, channel.KindSMS); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Send(ctx, f.repPol, f.rep, record.SingleInput{
			Common: record.Common{ContactID: f.contact.ID, Title: "hi"}, SMS: &record.SMSContent{Text: "hello"}}); err != nil || calls != 2 {
			t.Fatalf("resend after re-save: %v calls=%d", err, calls)
		}
		if err := f.reg.Save(ctx, f.rep.ID, channel.KindSMS, channel.ProviderWebhook, []byte(`{"url":"not a url"}`), 5); err == nil {
			t.Fatal("bad webhook URL accepted")
		}
	})
}

func TestManualRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setup(t, s)
		when := time.Now().Add(-time.Hour)
		r, err := f.svc.AddManual(ctx, f.repPol, record.ManualInput{
			Common:  record.Common{ContactID: f.contact.ID, Title: "电话回访", TopicIDs: []int64{f.topic.ID}, Summary: "满意"},
			Channel: model.ChannelPhone, ContactedAt: when})
		if err != nil {
			t.Fatal(err)
		}
		if r.Source != model.SourceManual || r.Address != "+8613800000001" || !r.ContactedAt.Equal(when.UTC().Truncate(time.Microsecond)) {
			t.Fatalf("record: %+v", r)
		}
		bad := []struct {
			in    record.ManualInput
			field string
		}{
			{record.ManualInput{Common: record.Common{ContactID: f.contact.ID, Title: "x"}, Channel: "fax", ContactedAt: when}, "channel"},
			{record.ManualInput{Common: record.Common{ContactID: f.contact.ID, Title: "x"}, Channel: "phone", ContactedAt: time.Now().Add(time.Hour)}, "contacted_at"},
			{record.ManualInput{Common: record.Common{ContactID: f.contact.ID, Title: "x"}, Channel: "phone"}, "contacted_at"},
			{record.ManualInput{Common: record.Common{ContactID: 0, Title: "x"}, Channel: "phone", ContactedAt: when}, "contact_id"},
		}
		for _, b := range bad {
			_, err := f.svc.AddManual(ctx, f.repPol, b.in)
			if ve, ok := model.AsValidation(err); !ok || ve.For(b.field) == nil {
				t.Errorf("%+v: err = %v, want field %s", b.in, err, b.field)
			}
		}
		if _, err := f.svc.AddManual(ctx, f.strangePol, record.ManualInput{Common: record.Common{ContactID: f.contact.ID, Title: "x"},
			Channel: "phone", ContactedAt: when}); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("stranger: %v", err)
		}
		if n := len(f.records(t)); n != 1 {
			t.Fatalf("%d records, want 1", n)
		}
	})
}

func TestPreview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := setup(t, s)
		pv, err := f.svc.Preview(context.Background(), f.repPol, f.rep, record.SingleInput{
			Common: record.Common{ContactID: f.contact.ID},
			SMS:    &record.SMSContent{Text: "{{contact.name}}您好"},
			Email:  &record.EmailContent{Subject: "Hi {{contact.nam}}", Body: "{{customer.name}}"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if pv.SMSText != "李雷您好" || pv.SMSEncoding != "UCS-2" || pv.SMSChars != 4 || pv.SMSSegments != 1 || pv.EmailBody != "恒信科技" {
			t.Fatalf("preview: %+v", pv)
		}
		if pv.Errors.For("email.subject") == nil {
			t.Fatalf("bad merge field not reported: %+v", pv.Errors)
		}
		if _, err := f.svc.Preview(context.Background(), f.strangePol, f.stranger, record.SingleInput{
			Common: record.Common{ContactID: f.contact.ID}, SMS: &record.SMSContent{Text: "x"}}); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("stranger preview: %v", err)
		}
	})
}
