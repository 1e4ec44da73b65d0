package importer

import (
	"context"
	"strings"

	"touchbase/internal/storage"
)

// writer is what applying rows needs: a transaction, or nothing at all in
// a dry run.
type writer interface {
	ContactKeys(ctx context.Context, customerIDs []int64) ([]storage.ContactKey, error)
	CreateCustomer(ctx context.Context, c *storage.ImportCustomer) (int64, error)
	UpdateCustomer(ctx context.Context, id int64, c *storage.ImportCustomer) error
	CreateContact(ctx context.Context, customerID int64, ct *storage.ImportContact) (int64, error)
	UpdateContact(ctx context.Context, customerID, id int64, ct *storage.ImportContact) error
}

// state is what the import knows of the database as it goes.
type state struct {
	codes map[string]int64 // customer code → id
	// contacts caches the match keys of the contacts of customers met in
	// the current batch (of every customer met, in a dry run).
	contacts map[int64][]*storage.ContactKey
	// customers and contactsSeen record what this import created or
	// updated, so that each is counted once.
	customers    map[int64]touch
	contactsSeen map[int64]touch
}

// touch is what an import did to an object.
type touch uint8

const (
	created touch = iota + 1
	updated
)

func newState(codes map[string]int64) *state {
	return &state{
		codes:        codes,
		contacts:     make(map[int64][]*storage.ContactKey),
		customers:    make(map[int64]touch),
		contactsSeen: make(map[int64]touch),
	}
}

// loadContacts caches the contacts of the known customers of rows.
func (s *state) loadContacts(ctx context.Context, w writer, rows []item) error {
	var ids []int64
	for _, it := range rows {
		if it.row == nil || it.row.contact == nil {
			continue
		}
		id, ok := s.codes[it.row.customer.Code]
		if !ok || id <= 0 {
			continue
		}
		if _, cached := s.contacts[id]; cached {
			continue
		}
		s.contacts[id] = nil
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil
	}
	keys, err := w.ContactKeys(ctx, ids)
	if err != nil {
		return err
	}
	for i := range keys {
		k := &keys[i]
		s.contacts[k.CustomerID] = append(s.contacts[k.CustomerID], k)
	}
	return nil
}

// apply writes one checked row. It returns the faults that only the
// database state reveals, in which case nothing was written.
func (s *state) apply(ctx context.Context, w writer, r *row, defaultRep *int64, rep *Report) ([]RowError, error) {
	c := &r.customer
	id, known := s.codes[c.Code]
	if !known && c.Name == nil {
		return []RowError{newRowError(r.line, colName.String(), "", "required",
			"a new customer (code "+c.Code+") needs a name")}, nil
	}
	var match *storage.ContactKey
	if r.contact != nil {
		if known {
			match = findContact(s.contacts[id], r.contact)
		}
		if match == nil && r.contact.Name == nil {
			return []RowError{newRowError(r.line, colContactName.String(), "", "required",
				"a new contact needs a name (no contact of this customer has this mobile, e-mail or name)")}, nil
		}
	}

	switch {
	case !known:
		if c.RepID == nil {
			c.RepID = defaultRep
		}
		newID, err := w.CreateCustomer(ctx, c)
		if err != nil {
			return nil, err
		}
		id = newID
		s.codes[c.Code] = id
		s.contacts[id] = []*storage.ContactKey{}
		s.customers[id] = created
		rep.CustomersCreated++
	case r.setsCustomer:
		if err := w.UpdateCustomer(ctx, id, c); err != nil {
			return nil, err
		}
		if s.customers[id] == 0 {
			s.customers[id] = updated
			rep.CustomersUpdated++
		}
	}
	if r.contact == nil {
		return nil, nil
	}
	return nil, s.applyContact(ctx, w, id, match, r.contact, rep)
}

// applyContact creates the row's contact or updates its match.
func (s *state) applyContact(ctx context.Context, w writer, customerID int64, match *storage.ContactKey,
	ct *storage.ImportContact, rep *Report) error {
	if match == nil {
		id, err := w.CreateContact(ctx, customerID, ct)
		if err != nil {
			return err
		}
		k := &storage.ContactKey{ID: id, CustomerID: customerID}
		k.Name, k.Mobile, k.Email = deref(ct.Name), deref(ct.Mobile), deref(ct.Email)
		s.contacts[customerID] = append(s.contacts[customerID], k)
		s.contactsSeen[id] = created
		rep.ContactsCreated++
		return nil
	}
	if err := w.UpdateContact(ctx, customerID, match.ID, ct); err != nil {
		return err
	}
	if ct.Name != nil {
		match.Name = *ct.Name
	}
	if ct.Mobile != nil {
		match.Mobile = *ct.Mobile
	}
	if ct.Email != nil {
		match.Email = *ct.Email
	}
	if s.contactsSeen[match.ID] == 0 {
		s.contactsSeen[match.ID] = updated
		rep.ContactsUpdated++
	}
	return nil
}

// findContact returns the contact that ct designates among a customer's
// contacts: the one with its mobile, else with its e-mail, else with its
// name. A weaker match is taken only when no stronger identifier known on
// both sides tells them apart, so two people called 王伟 with different
// mobiles stay two contacts.
func findContact(keys []*storage.ContactKey, ct *storage.ImportContact) *storage.ContactKey {
	mobile, email, name := deref(ct.Mobile), deref(ct.Email), deref(ct.Name)
	if mobile != "" {
		for _, k := range keys {
			if k.Mobile == mobile {
				return k
			}
		}
	}
	if email != "" {
		for _, k := range keys {
			if strings.EqualFold(k.Email, email) && compatible(k.Mobile, mobile) {
				return k
			}
		}
	}
	if name != "" {
		for _, k := range keys {
			if strings.EqualFold(k.Name, name) && compatible(k.Mobile, mobile) && compatible(strings.ToLower(k.Email), strings.ToLower(email)) {
				return k
			}
		}
	}
	return nil
}

// compatible reports whether two identifiers do not contradict each other.
func compatible(a, b string) bool { return a == "" || b == "" || a == b }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// dryWriter reads the database but writes nothing, handing out negative
// ids for what it pretends to create.
type dryWriter struct {
	store  *storage.Store
	nextID int64
}

func (d *dryWriter) ContactKeys(ctx context.Context, ids []int64) ([]storage.ContactKey, error) {
	return d.store.ContactKeys(ctx, ids)
}

func (d *dryWriter) CreateCustomer(context.Context, *storage.ImportCustomer) (int64, error) {
	d.nextID--
	return d.nextID, nil
}

func (d *dryWriter) UpdateCustomer(context.Context, int64, *storage.ImportCustomer) error { return nil }

func (d *dryWriter) CreateContact(context.Context, int64, *storage.ImportContact) (int64, error) {
	d.nextID--
	return d.nextID, nil
}

func (d *dryWriter) UpdateContact(context.Context, int64, int64, *storage.ImportContact) error {
	return nil
}
