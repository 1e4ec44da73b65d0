package importer

import (
	"context"

	"touchbase/internal/storage"
)

// dryWriter reads the database but writes nothing, handing out negative
// ids for what it pretends to create.
type dryWriter struct {
	reader interface {
		ContactKeys(ctx context.Context, customerIDs []int64) ([]storage.ContactKey, error)
	}
	lastID int64
}

func (d *dryWriter) ContactKeys(ctx context.Context, ids []int64) ([]storage.ContactKey, error) {
	return d.reader.ContactKeys(ctx, ids)
}

func (d *dryWriter) CreateCustomers(_ context.Context, cs []*storage.ImportCustomer) error {
	for _, c := range cs {
		d.lastID--
		c.ID = d.lastID
	}
	return nil
}

func (d *dryWriter) CreateContacts(_ context.Context, cts []*storage.ImportContact) error {
	for _, ct := range cts {
		d.lastID--
		ct.ID = d.lastID
	}
	return nil
}

func (d *dryWriter) UpdateCustomers(context.Context, []*storage.ImportCustomer) error { return nil }
func (d *dryWriter) UpdateContacts(context.Context, []*storage.ImportContact) error   { return nil }
func (d *dryWriter) KeepPrimary(context.Context, []int64, []int64) error              { return nil }
