package contact

import (
	"context"
	"errors"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// Service manages customers, their contacts and relations.
type Service struct {
	store *storage.Store
}

// NewService returns a Service on store.
func NewService(store *storage.Store) *Service { return &Service{store: store} }

// CustomerView is a customer with what the acting user may do with it.
type CustomerView struct {
	*model.Customer
	Access permission.Access `json:"access"`
}

// ListCustomers returns a page of the customers the user may see.
func (s *Service) ListCustomers(ctx context.Context, p permission.Policy, f storage.CustomerFilter) ([]*model.Customer, int, error) {
	return s.store.ListCustomers(ctx, p, f)
}

// Customer returns one visible customer with the user's access to it.
func (s *Service) Customer(ctx context.Context, p permission.Policy, id int64) (*CustomerView, error) {
	c, err := s.store.CustomerByID(ctx, p, id)
	if err != nil {
		return nil, err
	}
	a, err := s.store.CustomerAccess(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &CustomerView{Customer: c, Access: a}, nil
}

// access returns the user's access to a customer, or ErrNotFound when the
// customer is missing or invisible to them.
func (s *Service) access(ctx context.Context, p permission.Policy, id int64) (permission.Access, error) {
	a, err := s.store.CustomerAccess(ctx, p, id)
	if err != nil {
		return a, err
	}
	if !a.See {
		return a, model.ErrNotFound
	}
	return a, nil
}

// CreateCustomer validates and stores a new customer. Agents become the
// exclusive rep of customers they create; only admins assign someone else.
// Only admins choose a code: a customer an agent adds gets a generated one
// (see customer_code.go for why).
func (s *Service) CreateCustomer(ctx context.Context, p permission.Policy, c *model.Customer) error {
	if err := ValidateCustomer(c); err != nil {
		return err
	}
	if p.Admin {
		return s.store.CreateCustomer(ctx, c)
	}
	if c.RepID != nil && *c.RepID != p.UserID {
		return model.NewFieldError("rep_id", "forbidden", "only admins may assign another exclusive rep")
	}
	if c.Code != "" {
		return errCodeAdminOnly
	}
	id := p.UserID
	c.RepID = &id
	return s.createWithGeneratedCode(ctx, c)
}

// UpdateCustomer saves a customer's details. The exclusive rep, a
// participant or an admin may edit; only an admin may change the rep or
// the code.
func (s *Service) UpdateCustomer(ctx context.Context, p permission.Policy, c *model.Customer) error {
	a, err := s.access(ctx, p, c.ID)
	if err != nil {
		return err
	}
	if !a.Edit {
		return model.ErrForbidden
	}
	old, err := s.store.CustomerByID(ctx, p, c.ID)
	if err != nil {
		return err
	}
	if !p.Admin && !sameID(old.RepID, c.RepID) {
		return model.NewFieldError("rep_id", "forbidden", "only admins may change the exclusive rep")
	}
	if err := ValidateCustomer(c); err != nil {
		return err
	}
	if !p.Admin && c.Code != old.Code {
		return errCodeAdminOnly
	}
	return s.store.UpdateCustomer(ctx, c)
}

func sameID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// DeleteCustomer removes a customer; admins only.
func (s *Service) DeleteCustomer(ctx context.Context, p permission.Policy, id int64) error {
	if _, err := s.access(ctx, p, id); err != nil {
		return err
	}
	if !p.Admin {
		return model.ErrForbidden
	}
	return s.store.DeleteCustomer(ctx, id)
}

// Relations lists the participants and sharers of a visible customer.
func (s *Service) Relations(ctx context.Context, p permission.Policy, customerID int64) ([]*model.Relation, error) {
	if _, err := s.access(ctx, p, customerID); err != nil {
		return nil, err
	}
	return s.store.Relations(ctx, customerID)
}

// SetRelation makes a user participant or sharer of a customer; admins only.
func (s *Service) SetRelation(ctx context.Context, p permission.Policy, r *model.Relation) error {
	if _, err := s.access(ctx, p, r.CustomerID); err != nil {
		return err
	}
	if !p.Admin {
		return model.ErrForbidden
	}
	if !r.Kind.Valid() {
		return model.NewFieldError("kind", "invalid", "kind must be participant or sharer")
	}
	if _, err := s.store.UserByID(ctx, r.UserID); errors.Is(err, model.ErrNotFound) {
		return model.NewFieldError("user_id", "not_found", "user does not exist")
	} else if err != nil {
		return err
	}
	return s.store.SetRelation(ctx, r)
}

// DeleteRelation removes a relation; admins only.
func (s *Service) DeleteRelation(ctx context.Context, p permission.Policy, customerID, userID int64) error {
	if _, err := s.access(ctx, p, customerID); err != nil {
		return err
	}
	if !p.Admin {
		return model.ErrForbidden
	}
	return s.store.DeleteRelation(ctx, customerID, userID)
}
