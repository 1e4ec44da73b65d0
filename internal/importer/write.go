package importer

import (
	"context"

	"touchbase/internal/storage"
)

// writer is what writing a batch needs: a transaction, or a stand-in that
// writes nothing in a dry run.
type writer interface {
	ContactKeys(ctx context.Context, customerIDs []int64) ([]storage.ContactKey, error)
	CreateCustomers(ctx context.Context, cs []*storage.ImportCustomer) error
	UpdateCustomers(ctx context.Context, cs []*storage.ImportCustomer) error
	CreateContacts(ctx context.Context, cts []*storage.ImportContact) error
	UpdateContacts(ctx context.Context, cts []*storage.ImportContact) error
	KeepPrimary(ctx context.Context, customerIDs, contactIDs []int64) error
}

// state is what the import knows of the database from batch to batch.
type state struct {
	codes      map[string]int64 // customer code → id
	defaultRep *int64
	// customers and contacts record what this import created or updated,
	// so that each is counted once.
	customers map[int64]touch
	contacts  map[int64]touch
	// kept holds, in a dry run only, the contacts of every customer met,
	// since the database does not learn about them.
	kept map[int64][]*contactNode
}

// touch is what the import did to an object.
type touch uint8

const (
	created touch = iota + 1
	updated
)

func newState(codes map[string]int64, opts Options) *state {
	s := &state{
		codes:      codes,
		defaultRep: opts.DefaultRepID,
		customers:  make(map[int64]touch),
		contacts:   make(map[int64]touch),
	}
	if opts.DryRun {
		s.kept = make(map[int64][]*contactNode)
	}
	return s
}

// writeBatch checks the rows of one batch against the database, then
// writes the good ones with a few multi-row statements.
func (s *state) writeBatch(ctx context.Context, w writer, items []item, rep *Report) error {
	b, err := s.openBatch(ctx, w, items)
	if err != nil {
		return err
	}
	for _, it := range items {
		rep.Rows++
		if it.row == nil {
			rep.reject(it.errs)
			continue
		}
		if errs := s.plan(b, it.row, rep); errs != nil {
			rep.reject(errs)
		}
	}
	if err := b.flush(ctx, w, s.defaultRep); err != nil {
		return err
	}
	s.closeBatch(b)
	return nil
}

// openBatch starts a batch with the customers its rows name that already
// exist, with their contacts.
func (s *state) openBatch(ctx context.Context, w writer, items []item) (*batch, error) {
	b := &batch{nodes: make(map[string]*custNode)}
	var load []int64
	for _, it := range items {
		if it.row == nil {
			continue
		}
		code := it.row.customer.Code
		n := b.nodes[code]
		if n == nil {
			id, ok := s.codes[code]
			if !ok {
				continue
			}
			n = &custNode{c: &storage.ImportCustomer{ID: id, Code: code}}
			b.nodes[code] = n
		}
		if it.row.contact == nil || n.loaded {
			continue
		}
		n.loaded = true
		if kept, ok := s.kept[n.c.ID]; ok {
			n.contacts = kept
			for _, ct := range kept {
				ct.owner = n
			}
			continue
		}
		load = append(load, n.c.ID)
	}
	if len(load) == 0 {
		return b, nil
	}
	keys, err := w.ContactKeys(ctx, load)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*custNode, len(load))
	for _, n := range b.nodes {
		byID[n.c.ID] = n
	}
	for _, k := range keys {
		if n := byID[k.CustomerID]; n != nil {
			n.contacts = append(n.contacts, &contactNode{owner: n, id: k.ID, name: k.Name, mobile: k.Mobile, email: k.Email})
		}
	}
	return b, nil
}

// plan adds one checked row to the batch. It returns the faults that only
// the database reveals, in which case the row changes nothing.
func (s *state) plan(b *batch, r *row, rep *Report) []RowError {
	code := r.customer.Code
	n := b.nodes[code]
	if n == nil && r.customer.Name == nil {
		return []RowError{newRowError(r.line, colName.String(), "", "required",
			"a new customer (code "+code+") needs a name")}
	}
	var match *contactNode
	if r.contact != nil {
		if n != nil {
			match = findContact(n.contacts, r.contact)
		}
		if match == nil && r.contact.Name == nil {
			return []RowError{newRowError(r.line, colContactName.String(), "", "required",
				"a new contact needs a name (no contact of this customer has this mobile, e-mail or name)")}
		}
	}

	if n == nil {
		n = &custNode{c: &storage.ImportCustomer{Code: code}, isNew: true, loaded: true}
		b.nodes[code] = n
		b.newCustomers = append(b.newCustomers, n)
		rep.CustomersCreated++
	}
	if r.setsCustomer {
		mergeCustomer(n.c, &r.customer)
		if !n.isNew && !n.dirty {
			n.dirty = true
			b.updCustomers = append(b.updCustomers, n)
			if s.customers[n.c.ID] == 0 {
				s.customers[n.c.ID] = updated
				rep.CustomersUpdated++
			}
		}
	}
	if r.contact == nil {
		return nil
	}
	switch {
	case match == nil:
		match = &contactNode{owner: n, change: &storage.ImportContact{}}
		n.contacts = append(n.contacts, match)
		b.newContacts = append(b.newContacts, match)
		rep.ContactsCreated++
	case match.change == nil:
		match.change = &storage.ImportContact{ID: match.id}
		b.updContacts = append(b.updContacts, match)
		if s.contacts[match.id] == 0 {
			s.contacts[match.id] = updated
			rep.ContactsUpdated++
		}
	}
	match.merge(r.contact)
	if r.contact.Primary != nil && *r.contact.Primary {
		if n.primary == nil {
			b.primaries = append(b.primaries, n)
		}
		n.primary = match
	}
	return nil
}

// closeBatch records what the batch created.
func (s *state) closeBatch(b *batch) {
	for _, n := range b.newCustomers {
		s.codes[n.c.Code] = n.c.ID
		s.customers[n.c.ID] = created
	}
	for _, ct := range b.newContacts {
		ct.id = ct.change.ID
		s.contacts[ct.id] = created
	}
	if s.kept == nil {
		return
	}
	for _, n := range b.nodes {
		if !n.loaded {
			continue
		}
		for _, ct := range n.contacts {
			ct.change = nil
		}
		s.kept[n.c.ID] = n.contacts
	}
}

// findContact returns the contact that ct designates among a customer's
// contacts: the one with its mobile, else with its e-mail, else with its
// name. A weaker match is taken only when no stronger identifier known on
// both sides tells them apart, so two people called 王伟 with different
// mobiles stay two contacts.
func findContact(cts []*contactNode, ct *storage.ImportContact) *contactNode {
	mobile, email, name := deref(ct.Mobile), deref(ct.Email), deref(ct.Name)
	if mobile != "" {
		for _, k := range cts {
			if k.mobile == mobile {
				return k
			}
		}
	}
	if email != "" {
		for _, k := range cts {
			if equalFold(k.email, email) && compatible(k.mobile, mobile, false) {
				return k
			}
		}
	}
	if name != "" {
		for _, k := range cts {
			if equalFold(k.name, name) && compatible(k.mobile, mobile, false) && compatible(k.email, email, true) {
				return k
			}
		}
	}
	return nil
}
