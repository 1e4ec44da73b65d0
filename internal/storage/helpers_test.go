package storage_test

import (
	"context"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// newCustomer stores a customer with the given name and code.
func newCustomer(t *testing.T, s *storage.Store, name, code string) *model.Customer {
	t.Helper()
	c := &model.Customer{Name: name, Code: code}
	if err := s.CreateCustomer(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}
