package reply_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/permission"
	"touchbase/internal/reply"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestIsOptOut(t *testing.T) {
	for text, want := range map[string]bool{
		"R": true, " r ": true, "TD": true, "t": true, "退订": true, "退订。": true, "我要退订": true, "拒收": true,
		"Stop": true, "unsubscribe!": true, "回复R": false, "好的": false, "RR": false,
		"请问退订后还能收到账单提醒吗？我想了解一下": false, "": false,
	} {
		if reply.IsOptOut(text, model.DefaultOptOutKeywords) != want {
			t.Errorf("IsOptOut(%q) = %v", text, !want)
		}
	}
	// A team's own keywords replace the defaults; 退订 and 拒收 in a short
	// reply still opt out.
	own := []string{"不要了", "QX"}
	for text, want := range map[string]bool{"不要了！": true, "qx": true, "R": false, "TD": false, "请退订": true} {
		if reply.IsOptOut(text, own) != want {
			t.Errorf("IsOptOut(%q, %v) = %v", text, own, !want)
		}
	}
}

// TestReplyBecomesRecordOptOutAndNotification: an "R" pushed twice from a
// contact's number (written as Aliyun writes it, without +86) opts the
// contact out once, with source reply, writes one inbound record and
// tells the exclusive rep once; a question writes a record and opts
// nobody out; a reply from an unknown number is kept for audit.
func TestReplyBecomesRecordOptOutAndNotification(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		rep := &model.User{Username: "rep", DisplayName: "王芳", Role: model.RoleAgent, Active: true, Language: "zh-CN"}
		if err := s.CreateUser(ctx, rep); err != nil {
			t.Fatal(err)
		}
		cu := &model.Customer{Name: "恒信科技", Code: "HX", RepID: &rep.ID}
		if err := s.CreateCustomer(ctx, cu); err != nil {
			t.Fatal(err)
		}
		li := &model.Contact{CustomerID: cu.ID, Name: "李雷", Mobile: "+8613812345678"}
		han := &model.Contact{CustomerID: cu.ID, Name: "韩梅", Mobile: "+8613812345679"}
		for _, c := range []*model.Contact{li, han} {
			if err := s.CreateContact(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		svc := reply.NewService(s, notify.NewService(s, nil, nil, log, notify.Config{}), log, time.Now)
		at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
		in := reply.Incoming{Provider: "aliyun", Ref: "seq-1", From: "13812345678", Text: "R", At: at}
		for i := range 2 {
			res, err := svc.Receive(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if res.Repeated != (i == 1) {
				t.Fatalf("push %d: repeated = %v", i+1, res.Repeated)
			}
		}
		got, err := s.ContactByID(ctx, permission.Policy{Admin: true}, li.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.OptOutSMS || got.OptOutSMSSource != model.OptOutByReply || got.OptOutSMSAt == nil || !got.OptOutSMSAt.Equal(at) {
			t.Fatalf("opt-out after R: %v %q %v", got.OptOutSMS, got.OptOutSMSSource, got.OptOutSMSAt)
		}
		var n int
		s.DB().QueryRow(`SELECT count(*) FROM contact_records WHERE contact_id = $1 AND direction = 'inbound' AND channel = 'sms'
			AND source = 'inbound' AND content = 'R'`, li.ID).Scan(&n)
		if n != 1 {
			t.Fatalf("%d inbound records of the reply, want 1", n)
		}
		s.DB().QueryRow(`SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = $2`, rep.ID, reply.NotifyKind).Scan(&n)
		if n != 1 {
			t.Fatalf("the rep got %d notifications, want 1", n)
		}

		res, err := svc.Receive(ctx, reply.Incoming{Provider: "tencent", From: "+86 138 1234 5679", Text: "请问续费多少钱？", At: at})
		if err != nil || len(res.Matches) != 1 || res.Matches[0].OptedOut || res.Reply.OptOut {
			t.Fatalf("question: %+v, %v", res, err)
		}
		if c, _ := s.ContactByID(ctx, permission.Policy{Admin: true}, han.ID); c.OptOutSMS {
			t.Fatal("a question opted the contact out")
		}
		// With the team's own keywords, "N" is an answer and "QX" opts out.
		st := model.DefaultSettings()
		st.OptOutKeywords = []string{"QX"}
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		res, err = svc.Receive(ctx, reply.Incoming{Provider: "tencent", From: "+8613812345679", Text: "N", At: at})
		if err != nil || res.Reply.OptOut || res.Matches[0].OptedOut {
			t.Fatalf("N with keywords QX: %+v, %v", res, err)
		}
		res, err = svc.Receive(ctx, reply.Incoming{Provider: "tencent", From: "+8613812345679", Text: "qx", At: at.Add(time.Minute)})
		if err != nil || !res.Reply.OptOut || !res.Matches[0].OptedOut {
			t.Fatalf("qx with keywords QX: %+v, %v", res, err)
		}
		if c, _ := s.ContactByID(ctx, permission.Policy{Admin: true}, han.ID); !c.OptOutSMS {
			t.Fatal("qx did not opt the contact out")
		}
		res, err = svc.Receive(ctx, reply.Incoming{Provider: "tencent", From: "13900000000", Text: "退订", At: at})
		if err != nil || len(res.Matches) != 0 || res.Repeated {
			t.Fatalf("unknown number: %+v, %v", res, err)
		}
		s.DB().QueryRow(`SELECT count(*) FROM sms_replies WHERE from_number = '+8613900000000' AND contact_count = 0 AND opt_out`).Scan(&n)
		if n != 1 {
			t.Fatal("the reply of an unknown number was not kept")
		}
	})
}
