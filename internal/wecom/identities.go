package wecom

import (
	"context"
	"errors"
	"fmt"

	"touchbase/internal/contact"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// MemberSync is what reading the members found.
type MemberSync struct {
	Members int `json:"members"` // members who may serve customers
	Matched int `json:"matched"` // newly mapped to users by mobile or e-mail
}

// RefreshMembers reads the members who may serve customers and maps each
// unmapped one to the user with the same mobile number or e-mail address.
func (s *Service) RefreshMembers(ctx context.Context) (MemberSync, error) {
	cl, _, err := s.client(ctx)
	if err != nil {
		return MemberSync{}, err
	}
	ids, err := cl.FollowUsers(ctx)
	if err != nil {
		return MemberSync{}, err
	}
	region := s.region(ctx)
	members := make([]model.WeComMember, 0, len(ids))
	for _, id := range ids {
		m, err := cl.Member(ctx, id)
		var we *Error
		if errors.As(err, &we) && we.Code == CodeNotInRange {
			m = model.WeComMember{ID: id} // outside the application's range: known by id only
		} else if err != nil {
			return MemberSync{}, err
		}
		if m.Mobile != "" {
			if e164, err := contact.NormalizeMobile(m.Mobile, region); err == nil {
				m.Mobile = e164
			}
		}
		members = append(members, m)
	}
	if err := s.store.SaveWeComMembers(ctx, members); err != nil {
		return MemberSync{}, err
	}
	matched, err := s.store.MatchWeComMembers(ctx)
	return MemberSync{Members: len(members), Matched: matched}, err
}

// Members lists the members known.
func (s *Service) Members(ctx context.Context) ([]*model.WeComMember, error) {
	return s.store.WeComMembers(ctx)
}

// MapMember makes member the WeCom identity of user (nil: of nobody).
func (s *Service) MapMember(ctx context.Context, memberID string, userID *int64) error {
	if userID != nil {
		if _, err := s.store.UserByID(ctx, *userID); errors.Is(err, model.ErrNotFound) {
			return model.NewFieldError("user_id", "not_found", "no such user")
		} else if err != nil {
			return err
		}
	}
	err := s.store.MapWeComMember(ctx, memberID, userID, model.WeComMatchedByHand)
	if errors.Is(err, model.ErrConflict) {
		return model.NewFieldError("user_id", "taken", "this user is another member already")
	}
	return err
}

// SyncResult is what one walk of the mapped members' customers found.
type SyncResult struct {
	Members   int `json:"members"`
	Follows   int `json:"follows"`   // member–external contact friendships
	Externals int `json:"externals"` // distinct external contacts
	Matched   int `json:"matched"`   // newly matched to contacts
	Unmatched int `json:"unmatched"` // left for the admin's review
	// Skipped are the members WeCom would not answer for.
	Skipped []string `json:"skipped,omitempty"`
}

// Sync walks the external contacts of every mapped member
// (externalcontact/batch/get_by_user, 100 members and 100 contacts a
// call), stores them with who follows whom (follows no longer found are
// removed), and matches unmatched external contacts to contacts by the
// mobile numbers their followers noted.
func (s *Service) Sync(ctx context.Context) (SyncResult, error) {
	cl, _, err := s.client(ctx)
	if err != nil {
		return SyncResult{}, err
	}
	members, err := s.store.MappedWeComMembers(ctx)
	if err != nil {
		return SyncResult{}, err
	}
	res := SyncResult{Members: len(members)}
	seen := map[string]bool{}
	for i := 0; i < len(members); i += BatchUsers {
		group := members[i:min(i+BatchUsers, len(members))]
		ids := make([]string, len(group))
		for j, m := range group {
			ids[j] = m.ID
		}
		err := s.syncGroup(ctx, cl, ids, seen, &res)
		var we *Error
		if errors.As(err, &we) && we.Code != 0 && len(ids) > 1 {
			// WeCom refuses the whole call for one member it will not
			// answer for (no longer allowed to serve customers, left the
			// company): the group is walked again member by member, and
			// those members are skipped.
			for _, id := range ids {
				if err := s.syncGroup(ctx, cl, []string{id}, seen, &res); errors.As(err, &we) && we.Code != 0 {
					s.log.Warn("wecom sync: member skipped", "userid", id, "err", err)
					res.Skipped = append(res.Skipped, id)
				} else if err != nil {
					return res, err
				}
			}
			continue
		}
		if err != nil {
			return res, err
		}
	}
	res.Externals = len(seen)
	res.Matched, res.Unmatched, err = s.matchExternals(ctx)
	return res, err
}

// syncGroup walks the external contacts of up to BatchUsers members and
// stores each member's follows; nothing is stored for a group WeCom
// refuses.
func (s *Service) syncGroup(ctx context.Context, cl *Client, ids []string, seen map[string]bool, res *SyncResult) error {
	at := s.now()
	byMember := map[string][]*model.WeComExternal{}
	follows := 0
	cursor := ""
	for {
		page, next, err := cl.ExternalsOf(ctx, ids, cursor)
		if err != nil {
			return fmt.Errorf("wecom sync: %w", err)
		}
		for _, e := range page {
			f := e.Follows[0]
			byMember[f.MemberID] = append(byMember[f.MemberID], e)
			follows++
		}
		if next == "" {
			break
		}
		cursor = next
	}
	for _, id := range ids {
		if err := s.store.SyncWeComFollows(ctx, id, byMember[id], at); err != nil {
			return err
		}
		for _, e := range byMember[id] {
			seen[e.ID] = true
		}
	}
	res.Follows += follows
	return nil
}

// matchExternals matches every external contact in the review list whose
// followers noted a mobile number that exactly one contact has.
func (s *Service) matchExternals(ctx context.Context) (matched, left int, err error) {
	region := s.region(ctx)
	after := ""
	for {
		// By external_userid, from the last one seen: matching takes
		// entries out of the list as it is walked.
		list, err := s.store.WeComExternals(ctx, storage.WeComExternalFilter{Unmatched: true, After: after, Limit: -1})
		if err != nil {
			return matched, left, err
		}
		for _, e := range list {
			ok, err := s.matchByRemark(ctx, e, region)
			if err != nil {
				return matched, left, err
			}
			if ok {
				matched++
			} else {
				left++
			}
			after = e.ID
		}
		if len(list) < 500 {
			return matched, left, nil
		}
	}
}

// matchByRemark matches e to the one contact holding a mobile number one
// of its followers noted; several candidates, or none, leave it alone.
func (s *Service) matchByRemark(ctx context.Context, e *model.WeComExternal, region string) (bool, error) {
	found := map[int64]bool{}
	for _, f := range e.Follows {
		for _, raw := range f.RemarkMobiles {
			e164, err := contact.NormalizeMobile(raw, region)
			if err != nil {
				continue
			}
			ids, err := s.store.ContactsByMobile(ctx, e164, 2)
			if err != nil {
				return false, err
			}
			for _, id := range ids {
				found[id] = true
			}
		}
	}
	if len(found) != 1 {
		return false, nil
	}
	for id := range found {
		return true, s.store.MatchWeComExternal(ctx, e.ID, &id, model.WeComMatchedByRemarkPhone)
	}
	return false, nil
}

// Review lists the external contacts matched to no contact, for an admin
// to resolve.
func (s *Service) Review(ctx context.Context) ([]*model.WeComExternal, error) {
	return s.store.WeComExternals(ctx, storage.WeComExternalFilter{Unmatched: true})
}

// Resolve settles one external contact of the review list: matched by
// hand to contactID, or, with contactID nil, set aside as no customer.
func (s *Service) Resolve(ctx context.Context, externalID string, contactID *int64) error {
	how := model.WeComNotACustomer
	if contactID != nil {
		how = model.WeComMatchedByHand
		if _, err := s.store.ContactByID(ctx, permission.Policy{Admin: true}, *contactID); errors.Is(err, model.ErrNotFound) {
			return model.NewFieldError("contact_id", "not_found", "no such contact")
		} else if err != nil {
			return err
		}
	}
	return s.store.MatchWeComExternal(ctx, externalID, contactID, how)
}

// FollowersOf returns, for each contact, the names of the members who
// follow it on WeCom.
func (s *Service) FollowersOf(ctx context.Context, contactIDs []int64) (map[int64][]string, error) {
	return s.store.WeComFollowersOf(ctx, contactIDs)
}

func (s *Service) region(ctx context.Context) string {
	if st, err := s.store.Settings(ctx); err == nil && st.DefaultRegion != "" {
		return st.DefaultRegion
	}
	return "CN"
}

// Counts sums up the identities known.
func (s *Service) Counts(ctx context.Context) (storage.WeComCounts, error) {
	return s.store.WeComCounts(ctx)
}

// ContactByMobile finds the one contact with a mobile number, for an
// admin resolving the review list by number.
func (s *Service) ContactByMobile(ctx context.Context, raw string) (int64, error) {
	e164, err := contact.NormalizeMobile(raw, s.region(ctx))
	if err != nil {
		return 0, model.NewFieldError("mobile", "invalid_mobile", "not a mobile number")
	}
	ids, err := s.store.ContactsByMobile(ctx, e164, 2)
	switch {
	case err != nil:
		return 0, err
	case len(ids) == 0:
		return 0, model.NewFieldError("mobile", "no_contact", "no contact has this mobile number")
	case len(ids) > 1:
		return 0, model.NewFieldError("mobile", "several_contacts", "several contacts have this mobile number")
	}
	return ids[0], nil
}

// External returns one external contact with who follows it.
func (s *Service) External(ctx context.Context, id string) (*model.WeComExternal, error) {
	return s.store.WeComExternal(ctx, id)
}
