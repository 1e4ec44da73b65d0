package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/testutil/fakewecom"
	"touchbase/internal/wecom"
)

// SimulatedCorpID is the corp of the demo's simulated WeCom.
const SimulatedCorpID = "wwdemo0000simulated"

// ConfirmDelay is how long the simulated members take to confirm a
// mass-message task in their (simulated) WeCom client.
const ConfirmDelay = 15 * time.Second

// StartWeCom gives serve --demo a simulated WeCom when no real one is
// connected: the fake the tests use, on a loopback port, whose members
// are the demo's reps and whose customers are the demo contacts of each
// rep (most noted with their mobile number, a few without, for the review
// list). The connection is stored marked simulated, which the pages show;
// members are read and customers synced once. It returns nil when a real
// WeCom is connected: that one is left alone. Close the server returned
// when serve stops.
func StartWeCom(ctx context.Context, store *storage.Store, svc *wecom.Service) (*fakewecom.Server, error) {
	st, err := svc.Settings(ctx)
	if err != nil {
		return nil, err
	}
	if st.Configured && !st.Config.Simulated {
		return nil, nil
	}
	sim := fakewecom.Start()
	sim.CorpID = SimulatedCorpID
	sim.SetAutoConfirm(ConfirmDelay)
	if err := seedWeCom(ctx, store, sim); err != nil {
		sim.Close()
		return nil, err
	}
	cfg := wecom.Config{CorpID: sim.CorpID, ContactSecret: sim.ContactSecret, AgentID: sim.AgentID, AgentSecret: sim.AgentSecret,
		CallbackToken: sim.CallbackToken, EncodingAESKey: sim.EncodingAESKey, BaseURL: sim.URL}
	if err := svc.SaveSimulated(ctx, cfg); err != nil {
		sim.Close()
		return nil, err
	}
	if _, err := svc.RefreshMembers(ctx); err != nil {
		sim.Close()
		return nil, fmt.Errorf("simulated wecom: members: %w", err)
	}
	if _, err := svc.Sync(ctx); err != nil {
		sim.Close()
		return nil, fmt.Errorf("simulated wecom: sync: %w", err)
	}
	return sim, nil
}

// weComShare is how many of each rep's customers added the rep on WeCom
// (one in weComShare), and weComUnnoted how many of those the rep noted
// no mobile number for (one in weComUnnoted).
const (
	weComShare   = 2
	weComUnnoted = 20
)

func seedWeCom(ctx context.Context, store *storage.Store, sim *fakewecom.Server) error {
	users, err := store.ListUsers(ctx, storage.UserFilter{ActiveOnly: true})
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Role != model.RoleAgent {
			continue
		}
		sim.AddMember(fakewecom.Member{UserID: u.Username, Name: u.DisplayName, Email: u.Email, Follow: true})
	}
	byID := map[int64]*model.User{}
	for _, u := range users {
		byID[u.ID] = u
	}
	admin := permission.Policy{Admin: true}
	repOf := map[int64]string{} // customer → its rep's member
	for offset := 0; ; offset += 500 {
		cs, _, err := store.ListCustomers(ctx, admin, storage.CustomerFilter{Limit: 500, Offset: offset})
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.RepID != nil && byID[*c.RepID] != nil && byID[*c.RepID].Role == model.RoleAgent {
				repOf[c.ID] = byID[*c.RepID].Username
			}
		}
		if len(cs) < 500 {
			break
		}
	}
	n := 0
	for offset := 0; ; offset += 1000 {
		contacts, err := store.ListContacts(ctx, admin, storage.ContactFilter{Limit: 1000, Offset: offset})
		if err != nil {
			return err
		}
		for _, ct := range contacts {
			rep := repOf[ct.CustomerID]
			if ct.Mobile == "" || rep == "" {
				continue
			}
			n++
			if n%weComShare != 0 {
				continue
			}
			f := fakewecom.Follow{UserID: rep, Remark: ct.Name, CreateTime: 1700000000 + int64(n)}
			if n%(weComShare*weComUnnoted) != 0 {
				f.RemarkMobiles = []string{strings.TrimPrefix(ct.Mobile, "+86")}
			}
			sim.AddExternal(fakewecom.External{ID: fmt.Sprintf("wmdemo%06d", ct.ID), Name: ct.Name, Follows: []fakewecom.Follow{f}})
		}
		if len(contacts) < 1000 {
			break
		}
	}
	return nil
}
