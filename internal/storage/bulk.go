package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// RecipientSelection chooses a bulk send's recipients among the contacts
// the operator may see: either ticked contacts (ContactIDs) or every
// contact matching the filter fields, minus ExcludeIDs. It is resolved in
// SQL, never by loading the contacts.
type RecipientSelection struct {
	ContactIDs []int64 `json:"contact_ids,omitempty"`
	Query      string  `json:"q,omitempty"` // customer name or code contains
	Level      string  `json:"level,omitempty"`
	Industry   string  `json:"industry,omitempty"`
	TeamID     int64   `json:"team_id,omitempty"` // the exclusive rep's team
	RepID      int64   `json:"rep_id,omitempty"`
	TopicID    int64   `json:"topic_id,omitempty"` // topic of the contact's last record
	HasMobile  bool    `json:"has_mobile,omitempty"`
	HasEmail   bool    `json:"has_email,omitempty"`
	ExcludeIDs []int64 `json:"exclude_ids,omitempty"`
}

// Everything reports whether the selection is every contact the user
// may see: no contact ticked, no filter.
func (sel RecipientSelection) Everything() bool {
	return len(sel.ContactIDs) == 0 && sel.Query == "" && sel.Level == "" && sel.Industry == "" && sel.TeamID == 0 &&
		sel.RepID == 0 && sel.TopicID == 0
}

// where writes the selection's conditions over contacts ct and customers c.
func (sel RecipientSelection) where(q *Query, p permission.Policy) {
	q.Add(` WHERE `, p.SeeSQL("c", q.Arg))
	inList := func(col string, ids []int64, not bool) {
		if not {
			q.Add(` AND `, col, ` NOT IN (`)
		} else {
			q.Add(` AND `, col, ` IN (`)
		}
		for i, id := range ids {
			if i > 0 {
				q.Add(", ")
			}
			q.Add(q.Arg(id))
		}
		q.Add(`)`)
	}
	if len(sel.ContactIDs) > 0 {
		inList("ct.id", sel.ContactIDs, false)
	}
	if sel.Query != "" {
		pat := q.Arg(likePattern(sel.Query))
		q.Add(` AND (lower(c.name) LIKE `, pat, ` ESCAPE '\' OR lower(c.code) LIKE `, pat, ` ESCAPE '\')`)
	}
	if sel.Level != "" {
		q.Add(` AND c.level = `, q.Arg(sel.Level))
	}
	if sel.Industry != "" {
		q.Add(` AND c.industry = `, q.Arg(sel.Industry))
	}
	if sel.TeamID != 0 {
		q.Add(` AND c.rep_id IN (SELECT id FROM users WHERE team_id = `, q.Arg(sel.TeamID), `)`)
	}
	if sel.RepID != 0 {
		q.Add(` AND c.rep_id = `, q.Arg(sel.RepID))
	}
	if sel.TopicID != 0 {
		q.Add(` AND EXISTS (SELECT 1 FROM record_topics lt WHERE lt.topic_id = `, q.Arg(sel.TopicID),
			` AND lt.record_id = (SELECT lr.id FROM contact_records lr WHERE lr.contact_id = ct.id ORDER BY lr.contacted_at DESC, lr.id DESC LIMIT 1))`)
	}
	if sel.HasMobile {
		q.Add(` AND ct.mobile <> ''`)
	}
	if sel.HasEmail {
		q.Add(` AND ct.email <> ''`)
	}
	if len(sel.ExcludeIDs) > 0 {
		inList("ct.id", sel.ExcludeIDs, true)
	}
}

// channelColumns names, per channel, the contact's address and opt-out.
var channelColumns = map[string][2]string{
	model.ChannelSMS:   {"ct.mobile", "ct.opt_out_sms"},
	model.ChannelEmail: {"ct.email", "ct.opt_out_email"},
	// A contact's WeCom address is the first of its WeChat identities
	// that some member follows; WeCom has no opt-out of its own (the
	// customer removes the member instead).
	model.ChannelWeCom: {`COALESCE((SELECT min(x.external_userid) FROM wecom_externals x WHERE x.contact_id = ct.id
		AND EXISTS (SELECT 1 FROM wecom_follows f WHERE f.external_userid = x.external_userid)), '')`, "FALSE"},
}

// weComNoAddress is why a contact without a WeCom address is skipped: no
// identity at all, or one nobody follows.
var weComNoAddress = `CASE WHEN EXISTS (SELECT 1 FROM wecom_externals x WHERE x.contact_id = ct.id) THEN '` +
	model.SkipWeComNotFollowed + `' ELSE '` + model.SkipNoWeCom + `' END`

// candidates writes a SELECT of (contact id, customer id, address, reason)
// for one channel: reason is empty for a recipient to send to, else why it
// is skipped. Of several sendable contacts sharing an address, the first
// (lowest id) is kept and the others are skipped as duplicates.
func (sel RecipientSelection) candidates(q *Query, p permission.Policy, channel string) {
	cols := channelColumns[channel]
	addr, optOut, noAddr := cols[0], cols[1], `'`+model.SkipNoAddress+`'`
	if channel == model.ChannelWeCom {
		noAddr = weComNoAddress
	}
	blocked := `(c.do_not_contact OR ` + optOut + ` OR ` + addr + ` = '')`
	q.Add(`SELECT ct.id AS contact_id, ct.customer_id AS customer_id, `, addr, ` AS address, CASE`,
		` WHEN c.do_not_contact THEN '`, model.SkipDoNotContact, `'`,
		` WHEN `, optOut, ` THEN '`, model.SkipOptedOut, `'`,
		` WHEN `, addr, ` = '' THEN `, noAddr,
		` WHEN ROW_NUMBER() OVER (PARTITION BY `, addr, `, `, blocked, ` ORDER BY ct.id) > 1 THEN '`, model.SkipDuplicate, `'`,
		` ELSE '' END AS reason FROM contacts ct JOIN customers c ON c.id = ct.customer_id`)
	sel.where(q, p)
}

// PreviewRecipients counts, per channel, the recipients a selection would
// send to (reason "") and those it would skip, by reason.
func (s *Store) PreviewRecipients(ctx context.Context, p permission.Policy, sel RecipientSelection, channels []string) (map[string]map[string]int, error) {
	out := map[string]map[string]int{}
	for _, ch := range channels {
		if _, ok := channelColumns[ch]; !ok {
			return nil, model.NewFieldError("channels", "invalid", "unknown channel "+ch)
		}
		var q Query
		q.Add(`SELECT reason, count(*) FROM (`)
		sel.candidates(&q, p, ch)
		q.Add(`) s GROUP BY reason`)
		rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
		if err != nil {
			return nil, fmt.Errorf("store: preview recipients: %w", err)
		}
		m := map[string]int{}
		for rows.Next() {
			var reason string
			var n int
			if err := rows.Scan(&reason, &n); err != nil {
				rows.Close()
				return nil, err
			}
			m[reason] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out[ch] = m
	}
	return out, nil
}

// CreateBulkSend stores a bulk send and one recipient row per selected
// contact and channel, all in one transaction: when it returns, every
// recipient is durable. It fills b.ID and b.Counts.
func (s *Store) CreateBulkSend(ctx context.Context, p permission.Policy, b *model.BulkSend, sel RecipientSelection) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		t := now()
		b.CreatedAt, b.ScheduledAt = t, dbTime(b.ScheduledAt)
		// A send stored running (due now) starts as it is stored.
		var started sql.NullTime
		if b.Status == model.BulkRunning {
			started = sql.NullTime{Time: t, Valid: true}
			b.StartedAt = &started.Time
		}
		var approval, need string
		if b.Approval != nil {
			approval, need = b.Approval.State, b.Approval.Need
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO bulk_sends (user_id, title, summary, sms_text, sms_template_id, sms_params,
			marketing, email_subject, email_body, selection, status, scheduled_at, started_at, created_at, approval, approval_need,
			estimated_messages, estimated_cost, wecom_text, wecom_attachments)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
			RETURNING id`, nullInt(b.UserID), b.Title, b.Summary, b.SMSText, nullInt(b.SMSTemplateID), paramsJSON(b.SMSParams),
			b.Marketing, b.EmailSubject, b.EmailBody, b.Selection, b.Status, b.ScheduledAt, started, t, approval, need,
			b.EstimatedMessages, int64(b.EstimatedCost), b.WeComText, attachmentsJSON(b.WeComAttachments)).Scan(&b.ID)
		if err != nil {
			return fmt.Errorf("store: create bulk send: %w", err)
		}
		for _, tid := range b.TopicIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO bulk_send_topics (bulk_send_id, topic_id) VALUES ($1, $2)`, b.ID, tid); err != nil {
				if isForeignKeyViolation(err) {
					return model.NewFieldError("topic_ids", "not_found", "unknown topic")
				}
				return fmt.Errorf("store: bulk send topics: %w", err)
			}
		}
		for _, ch := range b.Channels() {
			var q Query
			q.Add(`INSERT INTO bulk_recipients (bulk_send_id, contact_id, customer_id, channel, address, status, settled, reason,
				next_attempt_at, updated_at) SELECT `, q.Arg(b.ID), `, contact_id, customer_id, `, q.Arg(ch), `, address,
				CASE WHEN reason = '' THEN '`, model.RecipientPending, `' ELSE '`, model.RecipientSkipped, `' END, reason <> '', reason, `,
				q.Arg(t), `, `, q.Arg(t), ` FROM (`)
			sel.candidates(&q, p, ch)
			q.Add(`) s`)
			if _, err := tx.ExecContext(ctx, q.SQL(), q.Args()...); err != nil {
				return fmt.Errorf("store: bulk recipients: %w", err)
			}
		}
		counts, err := bulkCounts(ctx, tx, []int64{b.ID})
		if err != nil {
			return err
		}
		b.Counts = counts[b.ID]
		if b.Counts.Total == 0 {
			return model.NewFieldError("recipients", "empty", "the selection has no recipients")
		}
		return nil
	})
}

func bulkCounts(ctx context.Context, db querier, ids []int64) (map[int64]model.Counts, error) {
	out := map[int64]model.Counts{}
	if len(ids) == 0 {
		return out, nil
	}
	var q Query
	q.Add(`SELECT bulk_send_id, status, delivery, provider, CASE WHEN reason = '`, model.FailOutcomeUnknown, `' THEN 1 ELSE 0 END,
		count(*) FROM bulk_recipients WHERE bulk_send_id IN (`)
	for i, id := range ids {
		if i > 0 {
			q.Add(", ")
		}
		q.Add(q.Arg(id))
	}
	q.Add(`) GROUP BY bulk_send_id, status, delivery, provider, CASE WHEN reason = '`, model.FailOutcomeUnknown, `' THEN 1 ELSE 0 END`)
	rows, err := db.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, fmt.Errorf("store: bulk counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var status, delivery, provider string
		var unknown, n int
		if err := rows.Scan(&id, &status, &delivery, &provider, &unknown, &n); err != nil {
			return nil, err
		}
		c := out[id]
		c.Add(status, n)
		if status == model.RecipientFailed && unknown == 1 {
			c.Unknown += n
		}
		if status == model.RecipientSent {
			c.AddDelivery(delivery, provider, n)
		}
		out[id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, heldCounts(ctx, db, ids, out)
}

// bulkColumns are read FROM bulk_sends b, the operator u and the approver
// au (LEFT JOINs).
const bulkColumns = `b.id, b.user_id, COALESCE(NULLIF(u.display_name, ''), u.username, ''), COALESCE(u.email, ''), b.title, b.summary, b.sms_text,
	b.sms_template_id, b.sms_params, b.marketing, b.email_subject, b.email_body, b.selection, b.status, b.scheduled_at, b.started_at, b.finished_at, b.created_at,
	b.canary_size, b.canary_last_id, b.canary_passed_at, b.paused_at, b.pause_reason, b.pause_detail, b.pause_failed_percent, b.paused_by,
	b.approval, b.approval_need, b.approval_by, COALESCE(NULLIF(au.display_name, ''), au.username, ''), b.approval_at, b.approval_comment,
	b.estimated_messages, b.estimated_cost, b.wecom_text, b.wecom_attachments`

func scanBulk(row interface{ Scan(...any) error }) (*model.BulkSend, error) {
	var b model.BulkSend
	var user sql.NullInt64
	var started, finished, canaryPassed, pausedAt sql.NullTime
	var tpl, pausedBy sql.NullInt64
	var params string
	var pause model.Pause
	var appr model.Approval
	var apprBy sql.NullInt64
	var apprAt sql.NullTime
	var attachments string
	err := row.Scan(&b.ID, &user, &b.UserName, &b.UserEmail, &b.Title, &b.Summary, &b.SMSText, &tpl, &params, &b.Marketing,
		&b.EmailSubject, &b.EmailBody, &b.Selection, &b.Status, &b.ScheduledAt, &started, &finished, &b.CreatedAt,
		&b.CanarySize, &b.CanaryLastID, &canaryPassed, &pausedAt, &pause.Reason, &pause.Detail, &pause.FailedPercent, &pausedBy,
		&appr.State, &appr.Need, &apprBy, &appr.ByName, &apprAt, &appr.Comment, &b.EstimatedMessages, &b.EstimatedCost,
		&b.WeComText, &attachments)
	if err != nil {
		return nil, err
	}
	if attachments != "[]" && attachments != "" {
		if err := json.Unmarshal([]byte(attachments), &b.WeComAttachments); err != nil {
			return nil, fmt.Errorf("bulk send %d wecom attachments: %w", b.ID, err)
		}
	}
	if appr.State != "" {
		appr.By = intPtr(apprBy)
		if apprAt.Valid {
			appr.At = &apprAt.Time
		}
		b.Approval = &appr
		// Stored as scheduled (waiting) or cancelled (refused, expired),
		// the statuses the table allows.
		switch {
		case appr.State == model.ApprovalWaiting && b.Status == model.BulkScheduled:
			b.Status = model.BulkAwaitingApproval
		case appr.State == model.ApprovalRejected && b.Status == model.BulkCancelled:
			b.Status = model.BulkRejected
		case appr.State == model.ApprovalExpired && b.Status == model.BulkCancelled:
			b.Status = model.BulkExpired
		}
	}
	if canaryPassed.Valid {
		b.CanaryPassedAt = &canaryPassed.Time
	}
	if pausedAt.Valid {
		pause.At, pause.By = pausedAt.Time, intPtr(pausedBy)
		b.Pause = &pause
		// Stored as running with a pause, so that the statuses the table
		// allows stay as they were.
		if b.Status == model.BulkRunning {
			b.Status = model.BulkPaused
		}
	}
	b.SMSTemplateID = intPtr(tpl)
	if params != "{}" && params != "" {
		if err := json.Unmarshal([]byte(params), &b.SMSParams); err != nil {
			return nil, fmt.Errorf("bulk send %d sms params: %w", b.ID, err)
		}
	}
	b.UserID = intPtr(user)
	if started.Valid {
		b.StartedAt = &started.Time
	}
	if finished.Valid {
		b.FinishedAt = &finished.Time
	}
	return &b, nil
}

// paramsJSON encodes a send's SMS template parameters.
func paramsJSON(p map[string]string) string {
	if len(p) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(p) // strings always encode
	return string(b)
}

// attachmentsJSON encodes a send's WeCom attachments.
func attachmentsJSON(a []model.WeComAttachment) string {
	if len(a) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(a) // strings only
	return string(b)
}

// BulkSendByID returns a bulk send the policy lets the user see, with its
// counts and topics. Workers that need no counts use BulkSendToWork.
func (s *Store) BulkSendByID(ctx context.Context, p permission.Policy, id int64) (*model.BulkSend, error) {
	return s.bulkSend(ctx, p, id, true)
}

// BulkSendToWork returns a bulk send with its topics but without its
// counts, which cost a read of every recipient row: what the workers that
// start and dispatch it need.
func (s *Store) BulkSendToWork(ctx context.Context, id int64) (*model.BulkSend, error) {
	return s.bulkSend(ctx, permission.Policy{Admin: true}, id, false)
}

func (s *Store) bulkSend(ctx context.Context, p permission.Policy, id int64, withCounts bool) (*model.BulkSend, error) {
	var q Query
	q.Add(`SELECT `, bulkColumns, ` FROM bulk_sends b LEFT JOIN users u ON u.id = b.user_id LEFT JOIN users au ON au.id = b.approval_by WHERE b.id = `, q.Arg(id),
		` AND `, p.BulkSendSQL("b", q.Arg))
	b, err := scanBulk(s.r.QueryRowContext(ctx, q.SQL(), q.Args()...))
	if err != nil {
		return nil, notFound(err)
	}
	if withCounts {
		counts, err := bulkCounts(ctx, s.r, []int64{id})
		if err != nil {
			return nil, err
		}
		b.Counts = counts[id]
	}
	rows, err := s.r.QueryContext(ctx, `SELECT topic_id FROM bulk_send_topics WHERE bulk_send_id = $1 ORDER BY topic_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	b.TopicIDs = []int64{}
	for rows.Next() {
		var tid int64
		if err := rows.Scan(&tid); err != nil {
			return nil, err
		}
		b.TopicIDs = append(b.TopicIDs, tid)
	}
	return b, rows.Err()
}

// ListBulkSends returns the bulk sends the user may see, newest first,
// with their counts; beforeID pages.
func (s *Store) ListBulkSends(ctx context.Context, p permission.Policy, beforeID int64, limit int) ([]*model.BulkSend, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var q Query
	q.Add(`SELECT `, bulkColumns, ` FROM bulk_sends b LEFT JOIN users u ON u.id = b.user_id LEFT JOIN users au ON au.id = b.approval_by WHERE `, p.BulkSendSQL("b", q.Arg))
	if beforeID > 0 {
		q.Add(` AND b.id < `, q.Arg(beforeID))
	}
	q.Add(` ORDER BY b.id DESC LIMIT `, q.Arg(limit))
	return s.queryBulkSends(ctx, &q)
}

// LiveBulkSends returns the user's own bulk sends that are scheduled or
// running (paused ones too), newest first.
func (s *Store) LiveBulkSends(ctx context.Context, userID int64, limit int) ([]*model.BulkSend, error) {
	var q Query
	q.Add(`SELECT `, bulkColumns, ` FROM bulk_sends b LEFT JOIN users u ON u.id = b.user_id LEFT JOIN users au ON au.id = b.approval_by WHERE b.user_id = `, q.Arg(userID),
		` AND b.status IN (`, q.Arg(model.BulkScheduled), `, `, q.Arg(model.BulkRunning), `) ORDER BY b.id DESC LIMIT `, q.Arg(limit))
	return s.queryBulkSends(ctx, &q)
}

// StartedBulkSends returns the user's own bulk sends that have begun
// sending (running, paused, done or cancelled after starting), the most
// recently started first, with their counts.
func (s *Store) StartedBulkSends(ctx context.Context, userID int64, limit int) ([]*model.BulkSend, error) {
	var q Query
	q.Add(`SELECT `, bulkColumns, ` FROM bulk_sends b LEFT JOIN users u ON u.id = b.user_id LEFT JOIN users au ON au.id = b.approval_by WHERE b.user_id = `, q.Arg(userID),
		` AND b.started_at IS NOT NULL ORDER BY b.started_at DESC, b.id DESC LIMIT `, q.Arg(limit))
	return s.queryBulkSends(ctx, &q)
}

// queryBulkSends runs a query of bulkColumns and loads the sends' counts.
func (s *Store) queryBulkSends(ctx context.Context, q *Query) ([]*model.BulkSend, error) {
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, fmt.Errorf("store: list bulk sends: %w", err)
	}
	var out []*model.BulkSend
	var ids []int64
	for rows.Next() {
		b, err := scanBulk(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, b)
		ids = append(ids, b.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	counts, err := bulkCounts(ctx, s.r, ids)
	if err != nil {
		return nil, err
	}
	for _, b := range out {
		b.Counts = counts[b.ID]
	}
	return out, nil
}

// DueBulkSends returns ids of bulk sends that should be running: scheduled
// ones whose time has come and running ones not paused (for the sweeper that makes
// sure each has its dispatch jobs).
func (s *Store) DueBulkSends(ctx context.Context) ([]int64, error) {
	return s.queryIDs(ctx, "due bulk sends", `SELECT id FROM bulk_sends WHERE (status = $1 AND paused_at IS NULL)
		OR (status = $2 AND scheduled_at <= $3 AND approval <> '`+model.ApprovalWaiting+`') ORDER BY id`, model.BulkRunning, model.BulkScheduled, now())
}

// StartBulkSend moves a scheduled send to running, unless it waits for
// approval; it reports whether this call made the move.
func (s *Store) StartBulkSend(ctx context.Context, id int64) (bool, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE bulk_sends SET status = $1, started_at = $2 WHERE id = $3 AND status = $4
		AND approval <> '`+model.ApprovalWaiting+`'`,
		model.BulkRunning, now(), id, model.BulkScheduled)
	if err != nil {
		return false, fmt.Errorf("store: start bulk send: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FinishBulkSendIfDone marks a running send done once no recipient is
// pending or sending; it reports whether this call finished it (so exactly
// one caller announces the end).
func (s *Store) FinishBulkSendIfDone(ctx context.Context, id int64) (bool, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE bulk_sends SET status = $1, finished_at = $2 WHERE id = $3 AND status = $4
		AND paused_at IS NULL AND NOT EXISTS (SELECT 1 FROM bulk_recipients WHERE bulk_send_id = $3 AND NOT settled)`,
		model.BulkDone, now(), id, model.BulkRunning)
	if err != nil {
		return false, fmt.Errorf("store: finish bulk send: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// CancelBulkSend stops a scheduled, running or paused send: its pending recipients
// become skipped ("cancelled"); rows being sent finish normally. It
// reports whether the send was cancellable.
func (s *Store) CancelBulkSend(ctx context.Context, id int64) (bool, error) {
	t := now()
	ok, err := s.endSend(ctx, id, model.SkipCancelled, t, `UPDATE bulk_sends SET status = $1, finished_at = $2 WHERE id = $3
		AND status IN ($4, $5)`, model.BulkCancelled, t, id, model.BulkScheduled, model.BulkRunning)
	if err != nil {
		return false, fmt.Errorf("store: cancel bulk send: %w", err)
	}
	return ok, nil
}

// endSend runs update, a statement that ends send id, and when it changed
// the send skips its pending recipients with reason, at t, in one
// transaction (rows being sent finish normally). It reports whether the
// send changed.
func (s *Store) endSend(ctx context.Context, id int64, reason string, t time.Time, update string, args ...any) (bool, error) {
	ok := false
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, update, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		ok = true
		_, err = tx.ExecContext(ctx, `UPDATE bulk_recipients SET status = $1, settled = TRUE, reason = $2, updated_at = $3
			WHERE bulk_send_id = $4 AND NOT settled AND status = $5`, model.RecipientSkipped, reason, t, id, model.RecipientPending)
		return err
	})
	return ok, err
}

// SkipPendingRecipients skips every pending recipient of one channel of a
// send, with reason, in one statement (the send's template was withdrawn:
// no provider call could succeed). It returns how many it skipped.
func (s *Store) SkipPendingRecipients(ctx context.Context, id int64, channel, reason string) (int64, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE bulk_recipients SET status = $1, settled = TRUE, reason = $2, updated_at = $3
		WHERE bulk_send_id = $4 AND channel = $5 AND NOT settled AND status = $6`,
		model.RecipientSkipped, reason, now(), id, channel, model.RecipientPending)
	if err != nil {
		return 0, fmt.Errorf("store: skip pending recipients: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// RetryFailedRecipients re-queues the failed recipients of a finished or
// running send as a new attempt and sets the send running again; those
// whose outcome is unknown (they may have arrived) only when
// includeUnknown. It returns how many rows it re-queued.
func (s *Store) RetryFailedRecipients(ctx context.Context, id int64, includeUnknown bool) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		t := now()
		res, err := tx.ExecContext(ctx, `UPDATE bulk_recipients SET status = $1, settled = FALSE, reason = '', detail = '',
			next_attempt_at = $2, updated_at = $2 WHERE bulk_send_id = $3 AND status = $4 AND ($5 OR reason <> $6)`,
			model.RecipientPending, t, id, model.RecipientFailed, includeUnknown, model.FailOutcomeUnknown)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if n == 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE bulk_sends SET status = $1, finished_at = NULL,
			started_at = COALESCE(started_at, $2) WHERE id = $3 AND status IN ($4, $1)`, model.BulkRunning, t, id, model.BulkDone)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: retry failed: %w", err)
	}
	return n, nil
}

// customerIDs lists the customers of rows, each once.
func customerIDs(rows []*model.BulkRecipient) []int64 {
	var ids []int64
	seen := map[int64]bool{}
	for _, r := range rows {
		if r.CustomerID != nil && !seen[*r.CustomerID] {
			seen[*r.CustomerID] = true
			ids = append(ids, *r.CustomerID)
		}
	}
	return ids
}

// UnseenCustomers returns which of the customers of rows p may not see
// now: a bulk send's recipients of those are skipped when it goes.
func (s *Store) UnseenCustomers(ctx context.Context, p permission.Policy, rows []*model.BulkRecipient) (map[int64]bool, error) {
	ids := customerIDs(rows)
	unseen := map[int64]bool{}
	if len(ids) == 0 || p.SeesEverything() {
		return unseen, nil
	}
	for _, id := range ids {
		unseen[id] = true
	}
	for start := 0; start < len(ids); start += settleChunk {
		var q Query // numbered, not eachIn's positional: SeeSQL names its arguments more than once
		q.Add(`SELECT c.id FROM customers c WHERE `, s.idIn(&q, "c.id", ids[start:min(start+settleChunk, len(ids))]),
			` AND `, p.SeeSQL("c", q.Arg))
		err := queryEach(ctx, s.r, &q, func(rows *sql.Rows) error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			delete(unseen, id)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("store: unseen customers: %w", err)
		}
	}
	return unseen, nil
}

// RecipientFilter narrows ListRecipients.
type RecipientFilter struct {
	Status  string
	Channel string
	AfterID int64
	Limit   int
	// Viewer, when set, keeps the rows whose customer it may see now.
	Viewer *permission.Policy
}

// ListRecipients returns recipients of one bulk send (visibility of the
// send is the caller's to check), ordered by id, with the record each
// reached recipient produced.
func (s *Store) ListRecipients(ctx context.Context, bulkID int64, f RecipientFilter) ([]*model.BulkRecipient, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	var q Query
	q.Add(`SELECT br.id, br.bulk_send_id, br.contact_id, COALESCE(ct.name, ''), br.customer_id, COALESCE(c.name, ''), br.channel,
		br.address, br.status, br.reason, br.detail, br.attempts, br.provider, COALESCE(r.provider_message_id, ''), br.delivery, br.delivery_code, r.id, br.updated_at,
		br.held_until FROM bulk_recipients br LEFT JOIN contacts ct ON ct.id = br.contact_id LEFT JOIN customers c ON c.id = br.customer_id
		LEFT JOIN contact_records r ON r.bulk_send_id = br.bulk_send_id AND r.bulk_recipient_id = br.id
		WHERE br.bulk_send_id = `, q.Arg(bulkID))
	if f.Status != "" {
		switch f.Status {
		case model.RecipientPending:
			q.Add(` AND br.status IN (`, q.Arg(model.RecipientPending), `, `, q.Arg(model.RecipientSending), `)`)
		case model.RecipientHeld:
			q.Add(` AND NOT br.settled AND br.status = `, q.Arg(model.RecipientPending), ` AND br.held_until IS NOT NULL`)
		case model.RecipientAwaiting:
			q.Add(` AND NOT br.settled AND br.status = `, q.Arg(model.RecipientSending), ` AND br.wecom_task_id IS NOT NULL`)
		case model.DeliveryDelivered, model.DeliveryUndelivered, model.DeliveryNoReceipt:
			q.Add(` AND br.status = `, q.Arg(model.RecipientSent), ` AND br.delivery = `, q.Arg(f.Status))
		case model.DeliveryAwaiting:
			q.Add(` AND br.status = `, q.Arg(model.RecipientSent), ` AND br.delivery = '' AND br.provider IN (`)
			for i, p := range model.ReceiptProviders {
				if i > 0 {
					q.Add(", ")
				}
				q.Add(q.Arg(p))
			}
			q.Add(`)`)
		default:
			q.Add(` AND br.status = `, q.Arg(f.Status))
		}
	}
	if f.Channel != "" {
		q.Add(` AND br.channel = `, q.Arg(f.Channel))
	}
	if f.Viewer != nil {
		q.Add(` AND `, f.Viewer.SeeSQL("c", q.Arg))
	}
	if f.AfterID > 0 {
		q.Add(` AND br.id > `, q.Arg(f.AfterID))
	}
	q.Add(` ORDER BY br.id LIMIT `, q.Arg(f.Limit))
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, fmt.Errorf("store: list recipients: %w", err)
	}
	defer rows.Close()
	var out []*model.BulkRecipient
	for rows.Next() {
		var r model.BulkRecipient
		var contact, customer, rec sql.NullInt64
		var held sql.NullTime
		if err := rows.Scan(&r.ID, &r.BulkSendID, &contact, &r.ContactName, &customer, &r.CustomerName, &r.Channel, &r.Address,
			&r.Status, &r.Reason, &r.Detail, &r.Attempts, &r.Provider, &r.ProviderMessageID, &r.Delivery, &r.DeliveryCode,
			&rec, &r.UpdatedAt, &held); err != nil {
			return nil, err
		}
		if r.Delivery == model.DeliveryUndelivered {
			r.DeliveryReason = model.DeliveryReason(r.Provider, r.DeliveryCode)
		}
		r.ContactID, r.CustomerID, r.RecordID = intPtr(contact), intPtr(customer), intPtr(rec)
		if held.Valid && r.Status == model.RecipientPending {
			r.HeldUntil = &held.Time
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// idIn binds ids and returns a condition that col is one of them. On
// PostgreSQL the ids go as one array through a sub-select: given a list of
// a thousand ids the planner may scan the whole table when its statistics
// are missing (nothing analyses a table a send or an import has just
// filled), 30 ms a chunk against 2 ms by primary key. On SQLite it is an IN
// list, whose text is the same for every list of the same length.
func (s *Store) idIn(q *Query, col string, ids []int64) string {
	if s.dialect == Postgres {
		return col + ` = ANY(ARRAY(SELECT unnest(` + q.Arg(ids) + `::bigint[])))`
	}
	return col + ` IN (` + placeholderList(q, ids) + `)`
}

// placeholderList binds vs and returns "$a, $b, …".
func placeholderList[T any](q *Query, vs []T) string {
	ph := make([]string, len(vs))
	for i, v := range vs {
		ph[i] = q.Arg(v)
	}
	return strings.Join(ph, ", ")
}
