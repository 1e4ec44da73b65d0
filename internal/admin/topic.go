package admin

import (
	"context"
	"strings"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

func validateTopic(t *model.Topic) error {
	t.Name = strings.TrimSpace(t.Name)
	t.NameEN = strings.TrimSpace(t.NameEN)
	var errs model.ValidationErrors
	errs.Text("name", t.Name, true, 50)
	errs.Text("name_en", t.NameEN, false, 50)
	return errs.Err()
}

// Topics lists topics; activeOnly hides retired ones.
func (s *Service) Topics(ctx context.Context, activeOnly bool) ([]*model.Topic, error) {
	return s.store.ListTopics(ctx, activeOnly)
}

// CreateTopic adds a topic.
func (s *Service) CreateTopic(ctx context.Context, p permission.Policy, t *model.Topic) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	if err := validateTopic(t); err != nil {
		return err
	}
	return s.store.CreateTopic(ctx, t)
}

// UpdateTopic renames, reorders, retires or revives a topic. Topics are
// never deleted, so records keep their topics.
func (s *Service) UpdateTopic(ctx context.Context, p permission.Policy, t *model.Topic) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	if err := validateTopic(t); err != nil {
		return err
	}
	return s.store.UpdateTopic(ctx, t)
}
