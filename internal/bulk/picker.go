package bulk

import (
	"context"

	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// Check validates a bulk send's content and schedule as Create does,
// storing nothing: a wizard checks each step with it before the next.
func (s *Service) Check(ctx context.Context, in Input) error {
	return s.validate(ctx, &in)
}

// Candidates lists a page of the contacts a selection matches among those
// the user may see — the recipient picker — and how many match in all.
func (s *Service) Candidates(ctx context.Context, p permission.Policy, sel storage.RecipientSelection, limit, offset int) ([]*storage.Candidate, int, error) {
	return s.store.ListCandidates(ctx, p, sel, limit, offset)
}

// Industries lists the customers' industries, for the picker's filter.
func (s *Service) Industries(ctx context.Context) ([]string, error) {
	return s.store.CustomerIndustries(ctx)
}
