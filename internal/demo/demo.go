// Package demo loads Touchbase's demo data — teams, reps, customers,
// contacts, relations and topics — once and idempotently, for
// `touchbase serve --demo`. The data is generated from a fixed seed, so
// every demo database looks the same.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// Password is the password of every demo account.
const Password = "demo"

// Sizes of the demo data.
const (
	Customers = 2000
	Contacts  = 5000
	Agents    = 10
)

// Topics are the demo contact topics with their English names.
var Topics = [][2]string{
	{"产品介绍", "Product introduction"},
	{"售后回访", "After-sales follow-up"},
	{"续费提醒", "Renewal reminder"},
	{"活动通知", "Event notice"},
	{"满意度调查", "Satisfaction survey"},
}

// Load creates the demo data unless it was loaded before: the people and
// customers in one transaction, then each rep's records and plans. It
// reports whether it loaded anything.
func Load(ctx context.Context, store *storage.Store) (bool, error) {
	agents, err := loadPeople(ctx, store)
	if err != nil {
		return false, err
	}
	loaded := agents != nil
	if v, ok, err := store.Setting(ctx, model.SettingDemoActivity); err != nil || (ok && v == "true") {
		return loaded, err
	}
	if agents == nil { // loaded by an earlier start: look the agents up
		if agents, err = loadUsers(ctx, store); err != nil {
			return false, err
		}
	}
	if err := loadActivity(ctx, store, rand.New(rand.NewPCG(2026, 12)), agents, time.Now()); err != nil {
		return false, fmt.Errorf("demo: activity: %w", err)
	}
	return true, store.SetSetting(ctx, model.SettingDemoActivity, "true")
}

// loadPeople creates the users, teams, topics, customers and contacts
// unless they were loaded before, and returns the agents it created (nil
// when there was nothing to do).
func loadPeople(ctx context.Context, store *storage.Store) ([]*model.User, error) {
	if v, ok, err := store.Setting(ctx, model.SettingDemoLoaded); err != nil {
		return nil, err
	} else if ok && v == "true" {
		return nil, nil
	}
	users, err := loadUsers(ctx, store)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	err = store.InBatch(ctx, func(b *storage.Batch) error {
		for i, tp := range Topics {
			t := &model.Topic{Name: tp[0], NameEN: tp[1], SortOrder: (i + 1) * 10, Active: true}
			if err := b.CreateTopic(ctx, t); err != nil {
				return err
			}
		}
		if err := loadCustomers(ctx, b, rng, users); err != nil {
			return err
		}
		// Prices of the outbox (as if it were a provider) and an approval
		// limit, so that the review of a bulk send shows its cost and a
		// rep's large send waits for a manager.
		for k, v := range map[string]string{model.SettingPrices: `{"sms/outbox":"0.045","email/outbox":"0.001"}`,
			model.SettingApproveAbove: "1000"} {
			if err := b.SetSetting(ctx, k, v); err != nil {
				return err
			}
		}
		return b.SetSetting(ctx, model.SettingDemoLoaded, "true")
	})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return users, nil
}

var agentNames = []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周婷", "吴杰"}

var teamNames = []string{"华东客服组", "华南客服组", "大客户组"}

// loadUsers creates admin, the three teams and agent1…agent10 (agent1,
// agent5 and agent8 manage their teams), skipping accounts that exist.
func loadUsers(ctx context.Context, store *storage.Store) ([]*model.User, error) {
	if _, err := store.UserByUsername(ctx, "admin"); errors.Is(err, model.ErrNotFound) {
		u := &model.User{Username: "admin", DisplayName: "管理员", Role: model.RoleAdmin, Active: true, Email: "admin@example.com"}
		if err := createDemoUser(ctx, store, u); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	teams := make([]*model.Team, len(teamNames))
	existing, err := store.ListTeams(ctx)
	if err != nil {
		return nil, err
	}
	for i, name := range teamNames {
		for _, t := range existing {
			if t.Name == name {
				teams[i] = t
			}
		}
		if teams[i] == nil {
			teams[i] = &model.Team{Name: name}
			if err := store.CreateTeam(ctx, teams[i]); err != nil {
				return nil, err
			}
		}
	}
	var agents []*model.User
	for i := 1; i <= Agents; i++ {
		name := fmt.Sprintf("agent%d", i)
		team := teams[teamOf(i)]
		u, err := store.UserByUsername(ctx, name)
		if errors.Is(err, model.ErrNotFound) {
			u = &model.User{Username: name, DisplayName: agentNames[i-1], Role: model.RoleAgent, Active: true,
				TeamID: &team.ID, Email: name + "@example.com"}
			if err := createDemoUser(ctx, store, u); err != nil {
				return nil, err
			}
		} else if err != nil {
			return nil, err
		}
		agents = append(agents, u)
		if (i == 1 || i == 5 || i == 8) && team.ManagerID == nil {
			team.ManagerID = &u.ID
			if err := store.UpdateTeam(ctx, team); err != nil {
				return nil, err
			}
		}
	}
	return agents, nil
}

// teamOf puts agents 1–4 in the first team, 5–7 in the second, 8–10 in the third.
func teamOf(agent int) int {
	switch {
	case agent <= 4:
		return 0
	case agent <= 7:
		return 1
	}
	return 2
}
