package contact

import (
	"context"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// Contacts lists the contacts of one visible customer.
func (s *Service) Contacts(ctx context.Context, p permission.Policy, customerID int64) ([]*model.Contact, error) {
	if _, err := s.access(ctx, p, customerID); err != nil {
		return nil, err
	}
	return s.store.ListContacts(ctx, p, storage.ContactFilter{CustomerID: customerID, Limit: 1000})
}

// SearchContacts lists contacts of every customer the user may see.
func (s *Service) SearchContacts(ctx context.Context, p permission.Policy, f storage.ContactFilter) ([]*model.Contact, error) {
	return s.store.ListContacts(ctx, p, f)
}

// Contact returns one contact whose customer the user may see.
func (s *Service) Contact(ctx context.Context, p permission.Policy, id int64) (*model.Contact, error) {
	return s.store.ContactByID(ctx, p, id)
}

// CreateContact validates and stores a contact of a customer the user may
// edit. region is the default phone region for numbers without a country.
func (s *Service) CreateContact(ctx context.Context, p permission.Policy, region string, ct *model.Contact) error {
	a, err := s.access(ctx, p, ct.CustomerID)
	if err != nil {
		if err == model.ErrNotFound {
			return model.NewFieldError("customer_id", "not_found", "customer does not exist")
		}
		return err
	}
	if !a.Edit {
		return model.ErrForbidden
	}
	if err := ValidateContact(ct, region); err != nil {
		return err
	}
	return s.store.CreateContact(ctx, ct)
}

// UpdateContact saves a contact; its customer cannot change.
func (s *Service) UpdateContact(ctx context.Context, p permission.Policy, region string, ct *model.Contact) error {
	old, err := s.store.ContactByID(ctx, p, ct.ID)
	if err != nil {
		return err
	}
	ct.CustomerID = old.CustomerID
	a, err := s.access(ctx, p, old.CustomerID)
	if err != nil {
		return err
	}
	if !a.Edit {
		return model.ErrForbidden
	}
	if err := ValidateContact(ct, region); err != nil {
		return err
	}
	return s.store.UpdateContact(ctx, ct)
}

// DeleteContact removes a contact of a customer the user may edit.
func (s *Service) DeleteContact(ctx context.Context, p permission.Policy, id int64) error {
	old, err := s.store.ContactByID(ctx, p, id)
	if err != nil {
		return err
	}
	a, err := s.access(ctx, p, old.CustomerID)
	if err != nil {
		return err
	}
	if !a.Edit {
		return model.ErrForbidden
	}
	return s.store.DeleteContact(ctx, id)
}
