package storage

import (
	"context"
	"database/sql"

	"touchbase/internal/model"
)

// Batch writes many objects in one transaction (demo data, sync jobs).
type Batch struct {
	s  *Store
	tx *sql.Tx
}

// InBatch runs fn with a Batch whose writes commit together when fn
// returns nil and are rolled back otherwise.
func (s *Store) InBatch(ctx context.Context, fn func(b *Batch) error) error {
	return s.InTx(ctx, func(tx *sql.Tx) error { return fn(&Batch{s: s, tx: tx}) })
}

// CreateCustomer inserts c.
func (b *Batch) CreateCustomer(ctx context.Context, c *model.Customer) error {
	return b.s.createCustomer(ctx, b.tx, c)
}

// CreateContact inserts ct.
func (b *Batch) CreateContact(ctx context.Context, ct *model.Contact) error {
	return b.s.createContact(ctx, b.tx, ct)
}

// SetRelation inserts or replaces a relation.
func (b *Batch) SetRelation(ctx context.Context, r *model.Relation) error {
	return setRelation(ctx, b.tx, r)
}

// SetSetting stores one setting.
func (b *Batch) SetSetting(ctx context.Context, key, value string) error {
	return setSetting(ctx, b.tx, key, value)
}

// CreateTopic inserts t.
func (b *Batch) CreateTopic(ctx context.Context, t *model.Topic) error {
	return createTopic(ctx, b.tx, t)
}
