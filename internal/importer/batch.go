package importer

import (
	"context"
	"strings"

	"touchbase/internal/storage"
)

// batch is what one transaction writes: every row's changes merged per
// customer and per contact, later rows winning, as if written one by one.
type batch struct {
	nodes        map[string]*custNode // by code
	newCustomers []*custNode
	updCustomers []*custNode
	newContacts  []*contactNode
	updContacts  []*contactNode
	primaries    []*custNode // customers whose primary contact a row set
}

// custNode is a customer named by the batch.
type custNode struct {
	c        *storage.ImportCustomer // the batch's changes; c.ID is 0 until a new customer is written
	isNew    bool
	dirty    bool // an existing customer the batch changes
	loaded   bool // contacts holds every contact of the customer
	contacts []*contactNode
	primary  *contactNode // the last contact a row made primary
}

// contactNode is a contact of a customer named by the batch.
type contactNode struct {
	owner               *custNode
	id                  int64 // 0 until a new contact is written
	name, mobile, email string
	change              *storage.ImportContact // the batch's changes, nil when none
}

// flush writes the batch: customers first, then contacts, then the
// primary flags.
func (b *batch) flush(ctx context.Context, w writer, defaultRep *int64) error {
	cs := make([]*storage.ImportCustomer, len(b.newCustomers))
	for i, n := range b.newCustomers {
		if n.c.RepID == nil {
			n.c.RepID = defaultRep
		}
		cs[i] = n.c
	}
	if err := w.CreateCustomers(ctx, cs); err != nil {
		return err
	}
	cs = make([]*storage.ImportCustomer, len(b.updCustomers))
	for i, n := range b.updCustomers {
		cs[i] = n.c
	}
	if err := w.UpdateCustomers(ctx, cs); err != nil {
		return err
	}
	if err := w.CreateContacts(ctx, changes(b.newContacts)); err != nil {
		return err
	}
	if err := w.UpdateContacts(ctx, changes(b.updContacts)); err != nil {
		return err
	}
	if len(b.primaries) == 0 {
		return nil
	}
	customers := make([]int64, len(b.primaries))
	contacts := make([]int64, len(b.primaries))
	for i, n := range b.primaries {
		customers[i], contacts[i] = n.c.ID, n.primary.change.ID
	}
	return w.KeepPrimary(ctx, customers, contacts)
}

// changes returns the changes of cts, attached to their customers.
func changes(cts []*contactNode) []*storage.ImportContact {
	out := make([]*storage.ImportContact, len(cts))
	for i, ct := range cts {
		ct.change.CustomerID = ct.owner.c.ID
		out[i] = ct.change
	}
	return out
}

// mergeCustomer lays the set fields of src over dst.
func mergeCustomer(dst, src *storage.ImportCustomer) {
	over(&dst.Name, src.Name)
	over(&dst.Level, src.Level)
	over(&dst.Industry, src.Industry)
	over(&dst.Address, src.Address)
	over(&dst.Notes, src.Notes)
	over(&dst.RepID, src.RepID)
	over(&dst.DoNotContact, src.DoNotContact)
}

// merge lays the set fields of src over the contact's changes and keys.
func (k *contactNode) merge(src *storage.ImportContact) {
	dst := k.change
	over(&dst.Name, src.Name)
	over(&dst.Title, src.Title)
	over(&dst.Mobile, src.Mobile)
	over(&dst.Email, src.Email)
	over(&dst.WeComID, src.WeComID)
	over(&dst.OptOutSMS, src.OptOutSMS)
	over(&dst.OptOutEmail, src.OptOutEmail)
	over(&dst.Primary, src.Primary)
	if src.Name != nil {
		k.name = *src.Name
	}
	if src.Mobile != nil {
		k.mobile = *src.Mobile
	}
	if src.Email != nil {
		k.email = *src.Email
	}
}

func over[T any](dst **T, src *T) {
	if src != nil {
		*dst = src
	}
}

// compatible reports whether two identifiers do not tell two people apart.
func compatible(a, b string, fold bool) bool {
	return a == "" || b == "" || a == b || fold && strings.EqualFold(a, b)
}

func equalFold(a, b string) bool { return a == b || strings.EqualFold(a, b) }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
