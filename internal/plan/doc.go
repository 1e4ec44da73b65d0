// Package plan is contact plans (联系计划): a rep plans to contact a
// customer (optionally one contact) at a due time, gets a reminder ahead of
// it, and completes the plan by contacting — the record links the plan —
// or closes it with a reason. A recurring plan rolls to its next
// occurrence when one is completed or skipped. Reminders are River jobs,
// one per plan occurrence; a reminder that finds its plan moved, done or
// cancelled does nothing, and each occurrence notifies at most once.
package plan
