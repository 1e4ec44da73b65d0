package plan

import "touchbase/internal/model"

func containsField(err error, field string) bool {
	ve, ok := model.AsValidation(err)
	return ok && ve.For(field) != nil
}
