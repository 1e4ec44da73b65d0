package storage

import (
	"context"
	"fmt"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// SampleRecipient returns the first recipient (lowest contact id) a
// selection would send to on channel, with the contact and customer
// fields merge fields read, so a preview can show the content as one real
// recipient receives it. ErrNotFound when the selection reaches nobody on
// that channel.
func (s *Store) SampleRecipient(ctx context.Context, p permission.Policy, sel RecipientSelection, channel string) (*model.BulkRecipient, error) {
	if _, ok := channelColumns[channel]; !ok {
		return nil, model.NewFieldError("channels", "invalid", "unknown channel "+channel)
	}
	var q Query
	q.Add(`SELECT s.contact_id, sc.name, sc.title, s.customer_id, sx.name, sx.code, s.address FROM (`)
	sel.candidates(&q, p, channel)
	q.Add(`) s JOIN contacts sc ON sc.id = s.contact_id JOIN customers sx ON sx.id = s.customer_id
		WHERE s.reason = '' ORDER BY s.contact_id LIMIT 1`)
	r := model.BulkRecipient{Channel: channel, Status: model.RecipientPending}
	var contactID, customerID int64
	err := s.r.QueryRowContext(ctx, q.SQL(), q.Args()...).Scan(&contactID, &r.ContactName, &r.ContactTitle, &customerID,
		&r.CustomerName, &r.CustomerCode, &r.Address)
	if err != nil {
		if err := notFound(err); err == model.ErrNotFound {
			return nil, err
		}
		return nil, fmt.Errorf("store: sample recipient: %w", err)
	}
	r.ContactID, r.CustomerID = &contactID, &customerID
	return &r, nil
}
