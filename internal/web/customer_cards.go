package web

import (
	"context"
	"net/http"
	"time"

	"touchbase/internal/contact"
	"touchbase/internal/httpauth"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// contactsCard is the contacts table of a customer page, swapped whole
// after a contact is added, changed or deleted.
type contactsCard struct {
	Customer *contact.CustomerView
	Contacts []*model.Contact
	CSRF     string
	Loc      *time.Location // the user's time zone, for opt-out times
	// WeCom holds, by contact, the members who added its WeChat identity;
	// WeComSimulated says they come from the demo's simulated WeCom.
	WeCom          map[int64][]string
	WeComSimulated bool
}

// WeComOf returns the names of the members who added the contact on WeCom.
func (c contactsCard) WeComOf(id int64) []string { return c.WeCom[id] }

// HasWeCom reports whether any contact has a WeCom ID, so the column shows
// only when it says something.
func (c contactsCard) HasWeCom() bool {
	for _, ct := range c.Contacts {
		if ct.WeComID != "" {
			return true
		}
	}
	return false
}

// peopleCard lists a customer's exclusive rep, participants and sharers;
// admins add and remove relations on it.
type peopleCard struct {
	Customer  *contact.CustomerView
	Relations []*model.Relation
	Admin     bool
	Users     []*model.User // choices for a new relation (admins)
	Form      model.Relation
	Errors    model.ValidationErrors
	CSRF      string
}

// customerByPath loads the visible customer named by the {id} wildcard.
func (h *handler) customerByPath(r *http.Request) (*contact.CustomerView, error) {
	id, ok := pathID(r, "id")
	if !ok {
		return nil, model.ErrNotFound
	}
	return h.app.Contacts.Customer(r.Context(), identity(r).Policy, id)
}

func (h *handler) contactsCard(ctx context.Context, id *httpauth.Identity, cv *contact.CustomerView) (contactsCard, error) {
	cts, err := h.app.Contacts.Contacts(ctx, id.Policy, cv.ID)
	loc, lerr := time.LoadLocation(id.User.Timezone)
	if lerr != nil {
		loc = time.UTC
	}
	if err != nil {
		return contactsCard{}, err
	}
	ids := make([]int64, len(cts))
	for i, ct := range cts {
		ids[i] = ct.ID
	}
	followers, err := h.app.WeCom.FollowersOf(ctx, ids)
	if err != nil {
		return contactsCard{}, err
	}
	card := contactsCard{Customer: cv, Contacts: cts, CSRF: csrfOf(id), Loc: loc, WeCom: followers}
	if len(followers) > 0 {
		st, err := h.app.WeCom.Settings(ctx)
		if err != nil {
			return contactsCard{}, err
		}
		card.WeComSimulated = st.Config.Simulated
	}
	return card, nil
}

func (h *handler) peopleCard(ctx context.Context, id *httpauth.Identity, cv *contact.CustomerView) (peopleCard, error) {
	rels, err := h.app.Contacts.Relations(ctx, id.Policy, cv.ID)
	if err != nil {
		return peopleCard{}, err
	}
	pc := peopleCard{Customer: cv, Relations: rels, Admin: id.User.IsAdmin(), CSRF: csrfOf(id),
		Form: model.Relation{Kind: model.RelationParticipant}}
	if pc.Admin {
		pc.Users, err = h.app.Admin.Users(ctx, storage.UserFilter{ActiveOnly: true})
	}
	return pc, err
}

// csrfOf returns the CSRF token of a signed-in identity.
func csrfOf(id *httpauth.Identity) string {
	if id == nil || id.Session == nil {
		return ""
	}
	return id.Session.CSRFToken
}

// region returns the default phone region for numbers without a country.
func (h *handler) region(ctx context.Context) string {
	st, err := h.app.Admin.Settings(ctx)
	if err != nil || st.DefaultRegion == "" {
		return model.DefaultSettings().DefaultRegion
	}
	return st.DefaultRegion
}
