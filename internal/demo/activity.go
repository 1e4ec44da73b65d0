package demo

import (
	"context"
	"math/rand/v2"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// Demo activity per agent, so that every rep's day has something in it.
const (
	recordCustomers = 12 // served customers with past contact records
	plansPerAgent   = 12
)

var recordNotes = []struct{ title, summary string }{
	{"季度回访", "客户对服务整体满意，提出希望缩短工单响应时间。"},
	{"续费沟通", "客户预算下月审批，约定月底前再确认续费方案。"},
	{"新品介绍", "介绍了新版本的报表功能，客户对导出功能感兴趣。"},
	{"投诉跟进", "上周的配送延误已处理，客户接受补偿方案。"},
	{"满意度回访", "客户打分 9 分，建议增加微信通知。"},
	{"上门拜访", "与采购经理面谈，了解明年采购计划。"},
}

var planTitles = []string{"续费提醒电话", "季度回访", "新品演示预约", "合同到期确认", "满意度回访", "发票寄送确认"}

// loadActivity gives each agent contact records from the past two months
// on customers they serve and a dozen plans: a few overdue, a few due
// today, the rest in the coming weeks, some done.
func loadActivity(ctx context.Context, store *storage.Store, rng *rand.Rand, agents []*model.User, now time.Time) error {
	settings, err := store.Settings(ctx)
	if err != nil {
		return err
	}
	topics, err := store.ListTopics(ctx, true)
	if err != nil {
		return err
	}
	channels := []string{model.ChannelPhone, model.ChannelPhone, model.ChannelVisit, model.ChannelWeChat, model.ChannelEmail}
	for _, a := range agents {
		pol := permission.For(a, settings)
		served, _, err := store.ListCustomers(ctx, pol, storage.CustomerFilter{Mine: true, Limit: recordCustomers + plansPerAgent})
		if err != nil {
			return err
		}
		var firstContacts []*model.Contact
		for _, c := range served {
			cts, err := store.ListContacts(ctx, pol, storage.ContactFilter{CustomerID: c.ID, Limit: 1})
			if err != nil {
				return err
			}
			if len(cts) > 0 {
				firstContacts = append(firstContacts, cts[0])
			}
		}
		for i, ct := range firstContacts {
			if i >= recordCustomers {
				break
			}
			for range 1 + rng.IntN(3) {
				n := recordNotes[rng.IntN(len(recordNotes))]
				r := &model.Record{CustomerID: ct.CustomerID, ContactID: &ct.ID, UserID: &a.ID, Channel: channels[rng.IntN(len(channels))],
					Source: model.SourceManual, Status: model.RecordDone, Title: n.title, Summary: n.summary,
					TopicIDs:    []int64{topics[rng.IntN(len(topics))].ID},
					ContactedAt: now.Add(-time.Duration(1+rng.IntN(60*24)) * time.Hour)}
				if err := store.CreateRecord(ctx, r); err != nil {
					return err
				}
			}
		}
		var plans []*model.Plan
		for i, ct := range firstContacts {
			if i >= plansPerAgent {
				break
			}
			var due time.Time
			switch {
			case i < 3: // overdue
				due = now.Add(-time.Duration(2+rng.IntN(96)) * time.Hour)
			case i < 6: // later today
				due = now.Add(time.Duration(10+rng.IntN(240)) * time.Minute)
			default: // the coming weeks
				due = now.Add(time.Duration(24+rng.IntN(24*21)) * time.Hour)
			}
			by := a.ID
			plans = append(plans, &model.Plan{OwnerID: a.ID, CreatedBy: &by, CustomerID: ct.CustomerID, ContactID: &ct.ID,
				Title: planTitles[rng.IntN(len(planTitles))], Notes: "上次沟通时约定的跟进。",
				TopicIDs: []int64{topics[rng.IntN(len(topics))].ID}, DueAt: due.Truncate(time.Minute)})
		}
		// No reminders: the demo's plans are there to look at and complete.
		if err := store.CreatePlans(ctx, plans, nil); err != nil {
			return err
		}
		if len(plans) > 8 { // one done by a phone call yesterday
			pl := plans[8]
			r := &model.Record{CustomerID: pl.CustomerID, ContactID: pl.ContactID, UserID: &a.ID, Channel: model.ChannelPhone,
				Source: model.SourcePlan, Status: model.RecordDone, Title: pl.Title, Summary: "已按计划电话联系，客户确认。",
				TopicIDs: pl.TopicIDs, PlanID: &pl.ID, ContactedAt: now.Add(-20 * time.Hour)}
			if err := store.CreateRecordForPlan(ctx, r, nil, nil); err != nil {
				return err
			}
		}
	}
	return nil
}
