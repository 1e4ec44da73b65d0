package unsubscribe

import (
	"context"
	"errors"
	"strings"
	"time"

	"touchbase/internal/i18n"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// Path is where the links point, under the public base URL: Path + token.
const Path = "/u/"

// Service makes unsubscribe links and honours them.
type Service struct {
	store  *storage.Store
	signer *Signer
	base   string
	now    func() time.Time
}

// NewService returns the service; links start with baseURL, the UI's
// public URL.
func NewService(store *storage.Store, signer *Signer, baseURL string, now func() time.Time) *Service {
	return &Service{store: store, signer: signer, base: strings.TrimRight(baseURL, "/"), now: now}
}

// URL returns the unsubscribe link of a message to address for contactID.
func (s *Service) URL(contactID int64, address string) string {
	return s.base + Path + s.signer.Token(contactID, address)
}

// Link is what a valid token names, as its page shows it.
type Link struct {
	Target
	// Masked is the address, partly hidden.
	Masked string
	// Done reports that no e-mail goes to this address for this contact
	// any more: it opted out, or the contact has another address or is
	// gone.
	Done bool
}

// Check reads token without changing anything.
func (s *Service) Check(ctx context.Context, token string) (*Link, error) {
	t, err := s.signer.Parse(token)
	if err != nil {
		return nil, err
	}
	l := &Link{Target: t, Masked: Mask(t.Address)}
	ct, err := s.store.ContactByID(ctx, permission.Policy{Admin: true}, t.ContactID)
	switch {
	case errors.Is(err, model.ErrNotFound):
		l.Done = true
	case err != nil:
		return nil, err
	default:
		l.Done = ct.OptOutEmail || !strings.EqualFold(ct.Email, t.Address)
	}
	return l, nil
}

// Unsubscribe opts the contact token names out of e-mail (source
// unsubscribe) and writes an inbound record on its timeline, once: a
// token followed again changes nothing. A contact whose address is no
// longer the one the token names is left alone, since that address no
// longer gets its e-mails.
func (s *Service) Unsubscribe(ctx context.Context, token string) (*Link, error) {
	t, err := s.signer.Parse(token)
	if err != nil {
		return nil, err
	}
	rec := &model.Record{
		Title:   i18n.T(i18n.Default, "unsubscribe.record_title"),
		Summary: i18n.T(i18n.Default, "unsubscribe.record_summary"),
		Source:  model.SourceInbound,
		Status:  model.RecordDone,
	}
	_, err = s.store.SetOptOut(ctx, model.OptOut{ContactID: t.ContactID, Address: t.Address, Channel: model.ChannelEmail,
		Source: model.OptOutByUnsubscribe, At: s.now(), Record: rec})
	if err != nil {
		return nil, err
	}
	return &Link{Target: t, Masked: Mask(t.Address), Done: true}, nil
}
