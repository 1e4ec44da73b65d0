package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

const recordColumns = `r.id, r.customer_id, c.name, r.contact_id, COALESCE(ct.name, ''), r.user_id,
	COALESCE(NULLIF(u.display_name, ''), u.username, ''), r.channel, r.source, r.direction, r.status, r.title, r.summary, r.subject,
	r.content, r.address, r.provider, r.provider_message_id, r.delivery_code, r.receipt_at, r.bulk_send_id, r.plan_id, r.contacted_at, r.created_at,
	r.quiet_override`

const recordFrom = ` FROM contact_records r JOIN customers c ON c.id = r.customer_id
	LEFT JOIN contacts ct ON ct.id = r.contact_id LEFT JOIN users u ON u.id = r.user_id`

func scanRecord(row interface{ Scan(...any) error }) (*model.Record, error) {
	var r model.Record
	var contact, user, bulk, plan sql.NullInt64
	var receiptAt sql.NullTime
	err := row.Scan(&r.ID, &r.CustomerID, &r.CustomerName, &contact, &r.ContactName, &user, &r.UserName, &r.Channel,
		&r.Source, &r.Direction, &r.Status, &r.Title, &r.Summary, &r.Subject, &r.Content, &r.Address, &r.Provider, &r.ProviderMessageID,
		&r.DeliveryCode, &receiptAt, &bulk, &plan, &r.ContactedAt, &r.CreatedAt,
		&r.QuietOverride)
	if err != nil {
		return nil, err
	}
	if receiptAt.Valid {
		r.ReceiptAt = &receiptAt.Time
	}
	if r.Status == model.RecordUndelivered {
		r.DeliveryReason = model.DeliveryReason(r.Provider, r.DeliveryCode)
	}
	r.ContactID, r.UserID, r.BulkSendID, r.PlanID = intPtr(contact), intPtr(user), intPtr(bulk), intPtr(plan)
	return &r, nil
}

// CreateRecord inserts a record with its topics in one transaction.
func (s *Store) CreateRecord(ctx context.Context, r *model.Record) error {
	return s.InTx(ctx, func(tx *sql.Tx) error { return createRecord(ctx, tx, r) })
}

// createRecord inserts r and its topics using db (a transaction).
func createRecord(ctx context.Context, db querier, r *model.Record) error {
	t := now()
	if r.ContactedAt.IsZero() {
		r.ContactedAt = t
	}
	r.ContactedAt = dbTime(r.ContactedAt)
	if r.Status == "" {
		r.Status = model.RecordDone
	}
	if r.Direction == "" {
		r.Direction = model.DirectionOutbound
	}
	err := db.QueryRowContext(ctx, `INSERT INTO contact_records (customer_id, contact_id, user_id, channel, source, status,
		title, summary, subject, content, address, provider, provider_message_id, bulk_send_id, plan_id, contacted_at, created_at,
		direction, quiet_override)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
		r.CustomerID, nullInt(r.ContactID), nullInt(r.UserID), r.Channel, r.Source, r.Status, r.Title, r.Summary, r.Subject,
		r.Content, r.Address, r.Provider, r.ProviderMessageID, nullInt(r.BulkSendID), nullInt(r.PlanID), r.ContactedAt, t,
		r.Direction, r.QuietOverride).Scan(&r.ID)
	if err != nil {
		if isForeignKeyViolation(err) {
			return model.NewFieldError("customer_id", "not_found", "customer, contact or user does not exist")
		}
		return fmt.Errorf("store: create record: %w", err)
	}
	r.CreatedAt = t
	for _, tid := range r.TopicIDs {
		if _, err := db.ExecContext(ctx, `INSERT INTO record_topics (record_id, topic_id) VALUES ($1, $2)`, r.ID, tid); err != nil {
			if isForeignKeyViolation(err) {
				return model.NewFieldError("topic_ids", "not_found", "topic "+strconv.FormatInt(tid, 10)+" does not exist")
			}
			return fmt.Errorf("store: record topics: %w", err)
		}
	}
	return nil
}

// RecordByID returns a record of a customer the policy lets the user see.
func (s *Store) RecordByID(ctx context.Context, p permission.Policy, id int64) (*model.Record, error) {
	var q Query
	q.Add(`SELECT `, recordColumns, recordFrom, ` WHERE r.id = `, q.Arg(id), ` AND `, p.SeeSQL("c", q.Arg))
	r, err := scanRecord(s.r.QueryRowContext(ctx, q.SQL(), q.Args()...))
	if err != nil {
		return nil, notFound(err)
	}
	if err := s.loadRecordTopics(ctx, []*model.Record{r}); err != nil {
		return nil, err
	}
	return r, nil
}

// RecordCursor is the keyset position after the last record of a page.
type RecordCursor struct {
	ContactedAt time.Time
	ID          int64
}

// String encodes the cursor for a URL.
func (c RecordCursor) String() string { return encodeKeyset(c.ContactedAt, c.ID) }

// ParseRecordCursor decodes a cursor made by String.
func ParseRecordCursor(s string) (*RecordCursor, error) {
	t, id, err := decodeKeyset(s)
	if err != nil {
		return nil, err
	}
	return &RecordCursor{ContactedAt: t, ID: id}, nil
}

// encodeKeyset writes a keyset position (a time to the microsecond and an
// id) as URL-safe text.
func encodeKeyset(t time.Time, id int64) string {
	return strconv.FormatInt(t.UnixMicro(), 36) + "." + strconv.FormatInt(id, 36)
}

// decodeKeyset reads a position written by encodeKeyset.
func decodeKeyset(s string) (time.Time, int64, error) {
	ts, id, ok := strings.Cut(s, ".")
	if !ok {
		return time.Time{}, 0, model.NewFieldError("cursor", "invalid", "malformed cursor")
	}
	us, err1 := strconv.ParseInt(ts, 36, 64)
	n, err2 := strconv.ParseInt(id, 36, 64)
	if err1 != nil || err2 != nil || n <= 0 {
		return time.Time{}, 0, model.NewFieldError("cursor", "invalid", "malformed cursor")
	}
	return time.UnixMicro(us).UTC(), n, nil
}

// RecordFilter narrows ListRecords. Zero fields do not filter.
type RecordFilter struct {
	CustomerID int64
	ContactID  int64
	UserID     int64
	TeamID     int64
	Channel    string
	Source     string
	Direction  string // model.DirectionOutbound or model.DirectionInbound
	Status     string
	TopicID    int64
	BulkSendID int64
	NoBulk     bool      // leave out the records of bulk sends
	From, To   time.Time // contacted_at in [From, To)
	Query      string    // title, summary or content contains
	After      *RecordCursor
	Limit      int

	keyword keywordPlan // set by recordPage
}

func (f RecordFilter) where(q *Query, p permission.Policy, dialect Dialect) {
	q.Add(` WHERE `, p.SeeSQL("c", q.Arg))
	if f.CustomerID != 0 {
		q.Add(` AND r.customer_id = `, q.Arg(f.CustomerID))
	}
	if f.ContactID != 0 {
		q.Add(` AND r.contact_id = `, q.Arg(f.ContactID))
	}
	if f.UserID != 0 {
		q.Add(` AND r.user_id = `, q.Arg(f.UserID))
	}
	if f.TeamID != 0 {
		q.Add(` AND r.user_id IN (SELECT id FROM users WHERE team_id = `, q.Arg(f.TeamID), `)`)
	}
	if f.Channel != "" {
		q.Add(` AND r.channel = `, q.Arg(f.Channel))
	}
	if f.Source != "" {
		q.Add(` AND r.source = `, q.Arg(f.Source))
	}
	if f.Direction != "" {
		// Spelled as a literal so the planners match the partial index of
		// inbound records (migration opt_out_source_inbound).
		if f.Direction == model.DirectionInbound {
			q.Add(` AND r.direction = '`, model.DirectionInbound, `'`)
		} else {
			q.Add(` AND r.direction = `, q.Arg(f.Direction))
		}
	}
	if f.Status != "" {
		q.Add(` AND r.status = `, q.Arg(f.Status))
	}
	if f.NoBulk {
		q.Add(` AND r.bulk_send_id IS NULL`)
	}
	if f.BulkSendID != 0 {
		q.Add(` AND r.bulk_send_id = `, q.Arg(f.BulkSendID))
	}
	if f.TopicID != 0 {
		q.Add(` AND EXISTS (SELECT 1 FROM record_topics rt WHERE rt.record_id = r.id AND rt.topic_id = `, q.Arg(f.TopicID), `)`)
	}
	if !f.From.IsZero() {
		q.Add(` AND r.contacted_at >= `, q.Arg(dbTime(f.From)))
	}
	if !f.To.IsZero() {
		q.Add(` AND r.contacted_at < `, q.Arg(dbTime(f.To)))
	}
	f.whereKeyword(q, dialect)
	if f.After != nil {
		keyset(q, dialect, `r.contacted_at`, `r.id`, `<`, f.After.ContactedAt, f.After.ID)
	}
}

// ListRecords returns one page of the records the policy lets the user
// see, newest first, and the cursor of the next page (nil on the last).
func (s *Store) ListRecords(ctx context.Context, p permission.Policy, f RecordFilter) ([]*model.Record, *RecordCursor, error) {
	return s.listRecords(ctx, p, &f)
}

// listRecords is ListRecords keeping the keyword plan it made in f, so the
// next page of the same walk reuses it.
func (s *Store) listRecords(ctx context.Context, p permission.Policy, f *RecordFilter) ([]*model.Record, *RecordCursor, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	out, err := s.recordPage(ctx, p, f, pageSpec{})
	if err != nil {
		return nil, nil, fmt.Errorf("store: list records: %w", err)
	}
	var next *RecordCursor
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[len(out)-1]
		next = &RecordCursor{ContactedAt: last.ContactedAt, ID: last.ID}
	}
	return out, next, s.loadRecordTopics(ctx, out)
}

// EachRecord streams every record matching f (ignoring Limit and After),
// newest first, to fn, a page at a time, so exports never hold the whole
// set in memory. Topics are loaded.
func (s *Store) EachRecord(ctx context.Context, p permission.Policy, f RecordFilter, fn func(*model.Record) error) error {
	f.Limit, f.After = 500, nil
	for {
		page, next, err := s.listRecords(ctx, p, &f)
		if err != nil {
			return err
		}
		for _, r := range page {
			if err := fn(r); err != nil {
				return err
			}
		}
		if next == nil {
			return nil
		}
		f.After = next
	}
}

func (s *Store) loadRecordTopics(ctx context.Context, recs []*model.Record) error {
	ids := make([]int64, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	topics, err := s.topicsOf(ctx, "record_topics", "record_id", ids)
	if err != nil {
		return err
	}
	for _, r := range recs {
		r.TopicIDs = topics[r.ID]
	}
	return nil
}
