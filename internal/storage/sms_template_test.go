package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestSyncSMSTemplatesKeepsWhatAdminsSet syncs a provider's list three
// times: new templates are added, changes are taken, templates no longer
// listed are withdrawn, and an admin's variable mapping and signature
// survive every sync; manual templates are left alone.
func TestSyncSMSTemplatesKeepsWhatAdminsSet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
		notice := model.SMSTemplate{Code: "SMS_1001", Name: "回访通知", Kind: model.TemplateNotice,
			Content: "尊敬的${name}，您的工单${order}已处理完毕。", State: model.ReviewApproved}
		promo := model.SMSTemplate{Code: "SMS_1002", Name: "新品推广", Kind: model.TemplateMarketing,
			Content: "${name}您好，新品上市，详询客服。拒收请回复R", State: model.ReviewPending}
		c, err := s.SyncSMSTemplates(ctx, "aliyun", []model.SMSTemplate{notice, promo}, at)
		if err != nil || c != (storage.SyncCounts{Added: 2}) {
			t.Fatalf("first sync: %+v, %v", c, err)
		}
		manual := &model.SMSTemplate{Provider: "aliyun", Code: "SMS_9", Kind: model.TemplateNotice, Content: "您好", State: model.ReviewApproved}
		if err := s.CreateSMSTemplate(ctx, manual); err != nil {
			t.Fatal(err)
		}
		dup := *manual
		if err := s.CreateSMSTemplate(ctx, &dup); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("second template with one code: %v, want a conflict", err)
		}
		list, err := s.SMSTemplates(ctx, "aliyun")
		if err != nil || len(list) != 3 {
			t.Fatalf("listed %d, %v", len(list), err)
		}
		var first *model.SMSTemplate
		for _, tpl := range list {
			if tpl.Code == "SMS_1001" {
				first = tpl
			}
		}
		first.Variables = map[string]model.VarSource{
			"name":  {Source: model.VarMerge, Field: "contact.name"},
			"order": {Source: model.VarRep, Label: "工单号"},
		}
		first.SignName = "恒信科技"
		if err := s.UpdateSMSTemplate(ctx, first); err != nil {
			t.Fatal(err)
		}

		// The provider approves the promotion, edits the notice's name and
		// no longer lists... nothing yet: an unchanged sync changes nothing.
		if c, err := s.SyncSMSTemplates(ctx, "aliyun", []model.SMSTemplate{notice, promo}, at.Add(time.Hour)); err != nil || c != (storage.SyncCounts{}) {
			t.Fatalf("unchanged sync: %+v, %v", c, err)
		}
		promo.State = model.ReviewApproved
		notice.Name = "工单回访"
		c, err = s.SyncSMSTemplates(ctx, "aliyun", []model.SMSTemplate{notice, promo}, at.Add(2*time.Hour))
		if err != nil || c != (storage.SyncCounts{Updated: 2}) {
			t.Fatalf("second sync: %+v, %v", c, err)
		}
		c, err = s.SyncSMSTemplates(ctx, "aliyun", []model.SMSTemplate{promo}, at.Add(3*time.Hour))
		if err != nil || c != (storage.SyncCounts{Withdrawn: 1}) {
			t.Fatalf("third sync: %+v, %v", c, err)
		}
		got, err := s.SMSTemplate(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != model.ReviewWithdrawn || got.Name != "工单回访" || got.SignName != "恒信科技" ||
			got.Variables["name"].Field != "contact.name" || got.Variables["order"].Label != "工单号" {
			t.Fatalf("after the syncs: %+v", got)
		}
		if got.SyncedAt == nil || !got.SyncedAt.Equal(at.Add(3*time.Hour)) {
			t.Fatalf("synced at %v", got.SyncedAt)
		}
		if m, _ := s.SMSTemplate(ctx, manual.ID); m.State != model.ReviewApproved || m.Origin != model.OriginManual {
			t.Fatalf("manual template touched by the sync: %+v", m)
		}
		// Other providers' lists are their own.
		if other, _ := s.SMSTemplates(ctx, "tencent"); len(other) != 0 {
			t.Fatalf("tencent has %d templates", len(other))
		}
		if err := s.DeleteSMSTemplate(ctx, manual.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SMSTemplate(ctx, manual.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("deleted template: %v", err)
		}
	})
}

func TestSyncSMSSignatures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
		listed := []model.SMSSignature{{Name: "恒信科技", State: model.ReviewApproved}, {Name: "恒信客服", State: model.ReviewRejected, ReviewNote: "资质不符"}}
		if c, err := s.SyncSMSSignatures(ctx, "aliyun", listed, at); err != nil || c.Added != 2 {
			t.Fatalf("sync: %+v, %v", c, err)
		}
		if c, err := s.SyncSMSSignatures(ctx, "aliyun", listed[:1], at.Add(time.Hour)); err != nil || c != (storage.SyncCounts{Withdrawn: 1}) {
			t.Fatalf("second sync: %+v, %v", c, err)
		}
		if err := s.SaveSMSSignature(ctx, &model.SMSSignature{Provider: "tencent", Name: "恒信", State: model.ReviewApproved}); err != nil {
			t.Fatal(err)
		}
		all, err := s.SMSSignatures(ctx, "")
		if err != nil || len(all) != 3 {
			t.Fatalf("%d signatures, %v", len(all), err)
		}
		if all[0].State != model.ReviewApproved || all[2].State != model.ReviewWithdrawn || all[2].Name != "恒信客服" {
			t.Fatalf("order or states: %+v %+v %+v", all[0], all[1], all[2])
		}
	})
}
