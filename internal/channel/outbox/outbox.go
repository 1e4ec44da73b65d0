// Package outbox is the built-in channel that keeps messages in the
// database instead of sending them, so they can be read on the Outbox page.
// It is the zero-config default of every channel kind until an admin
// configures a provider.
package outbox

import (
	"context"
	"strconv"

	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// Provider is the outbox's provider name.
const Provider = "outbox"

// Outbox stores messages of one kind.
type Outbox struct {
	store *storage.Store
	kind  channel.Kind
}

// New returns an outbox channel for kind.
func New(store *storage.Store, kind channel.Kind) *Outbox { return &Outbox{store: store, kind: kind} }

// Name returns "outbox".
func (o *Outbox) Name() string { return Provider }

// Kind returns the kind of messages this outbox keeps.
func (o *Outbox) Kind() channel.Kind { return o.kind }

// MaxBatch is large: the outbox writes a batch in one transaction.
func (o *Outbox) MaxBatch() int { return 1000 }

// Close does nothing.
func (o *Outbox) Close() error { return nil }

// Send stores one message and returns its outbox id as the provider id.
func (o *Outbox) Send(ctx context.Context, msg channel.Message) (string, error) {
	res := o.SendBatch(ctx, []channel.Message{msg})
	return res[0].ProviderID, res[0].Err
}

// SendBatch stores every message in one transaction.
func (o *Outbox) SendBatch(ctx context.Context, msgs []channel.Message) []channel.Result {
	rows := make([]*model.OutboxMessage, len(msgs))
	for i, m := range msgs {
		rows[i] = &model.OutboxMessage{Kind: string(o.kind), To: m.To, Subject: m.Subject, Body: m.Text, HTML: m.HTML, Ref: m.Ref}
	}
	err := o.store.AddOutboxMessages(ctx, rows)
	out := make([]channel.Result, len(msgs))
	for i, m := range msgs {
		out[i] = channel.Result{Ref: m.Ref, To: m.To}
		if err != nil {
			out[i].Err = &channel.Error{Provider: Provider, Code: "store", Transient: true, Reason: channel.ReasonProviderError, Detail: err.Error(), Err: err}
			continue
		}
		out[i].ProviderID = "outbox-" + strconv.FormatInt(rows[i].ID, 10)
	}
	return out
}

// IdempotentRefs reports that the outbox keeps a re-sent ref once.
func (o *Outbox) IdempotentRefs() bool { return true }
