package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"touchbase/internal/model"
)

// ClaimRecipients moves up to limit due pending recipients of one channel
// of a bulk send to "sending", marked with holder, and returns them with
// their merge data, in id order. Each claim counts as an attempt and ends
// a quiet-hours hold. On PostgreSQL
// concurrent claimers skip each other's rows (FOR UPDATE SKIP LOCKED); on
// SQLite the single writer serialises them.
//
// Every statement names its rows by primary key, so its plan does not
// depend on statistics of tables a send has just filled (nothing may have
// analysed them yet).
func (s *Store) ClaimRecipients(ctx context.Context, bulkID int64, channel string, limit int, holder string) ([]*model.BulkRecipient, error) {
	return s.ClaimRecipientsDue(ctx, bulkID, channel, limit, holder, now(), 0)
}

// ClaimRecipientsDue is ClaimRecipients of the rows due by due, the time
// of the dispatcher's clock (which decides quiet hours), and with upTo
// above zero of the rows with ids up to it (a send's canary).
func (s *Store) ClaimRecipientsDue(ctx context.Context, bulkID int64, channel string, limit int, holder string, due time.Time,
	upTo int64) ([]*model.BulkRecipient, error) {
	var out []*model.BulkRecipient
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		t := now()
		// The rows to claim are picked by the partial index of unsettled
		// rows (migration recipient_settled: "NOT settled" is spelled out
		// so both planners use it); rows being sent are in it too, and
		// skipped. The claim changes only columns no index holds, so
		// PostgreSQL updates each row in place. On PostgreSQL the pick is
		// an array computed once, with FOR UPDATE SKIP LOCKED: as an IN
		// subquery the planner may hash-join it against a scan of every
		// recipient row ever written.
		bound := ""
		if upTo > 0 {
			bound = "AND id <= " + strconv.FormatInt(upTo, 10)
		}
		pick := `SELECT id FROM bulk_recipients WHERE bulk_send_id = $4 AND channel = $5
			AND NOT settled AND status = '` + model.RecipientPending + `' AND next_attempt_at <= $7 ` + bound + ` ORDER BY next_attempt_at, id LIMIT $6`
		where := `id IN (` + pick + `)`
		if s.dialect == Postgres {
			where = `id = ANY(ARRAY(` + pick + ` FOR UPDATE SKIP LOCKED))`
		}
		// A paused send gives out no work: the pause stops every worker
		// at its next claim.
		where += ` AND NOT EXISTS (SELECT 1 FROM bulk_sends WHERE id = $4 AND paused_at IS NOT NULL)`
		rows, err := tx.QueryContext(ctx, `UPDATE bulk_recipients SET status = $1, claimed_by = $2, attempts = attempts + 1,
			held_until = NULL, wecom_task_id = NULL, handed = FALSE, updated_at = $3 WHERE `+where+` RETURNING id, contact_id, customer_id, address, attempts, reason`,
			model.RecipientSending, holder, t, bulkID, channel, limit, dbTime(due))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := &model.BulkRecipient{BulkSendID: bulkID, Channel: channel, Status: model.RecipientSending}
			var contact, customer sql.NullInt64
			if err := rows.Scan(&r.ID, &contact, &customer, &r.Address, &r.Attempts, &r.Reason); err != nil {
				return err
			}
			r.ContactID, r.CustomerID = intPtr(contact), intPtr(customer)
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim recipients: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	slices.SortFunc(out, func(a, b *model.BulkRecipient) int { return cmp.Compare(a.ID, b.ID) })
	// The claimed rows stay this holder's until it settles them: their
	// merge data is read after the claim commits, through the read pool,
	// so that on SQLite the one writer is not held for it. Once claimed
	// they are read even if ctx ends (a stopping worker), and should the
	// read fail they are handed back: rows no provider was given must not
	// wait out a lease to fail as "outcome unknown".
	rctx := context.WithoutCancel(ctx)
	if err := s.mergeData(rctx, out); err != nil {
		if rerr := s.ReleaseClaim(rctx, bulkID, channel, holder); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return nil, fmt.Errorf("store: claimed recipients: %w", err)
	}
	return out, nil
}

// ReleaseClaim hands the rows holder claimed, and has not given any
// provider, back to pending, taking back the attempt the claim counted.
func (s *Store) ReleaseClaim(ctx context.Context, bulkID int64, channel, holder string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE bulk_recipients SET status = $1, claimed_by = '', attempts = attempts - 1
		WHERE bulk_send_id = $2 AND channel = $3 AND NOT settled AND status = $4 AND claimed_by = $5`,
		model.RecipientPending, bulkID, channel, model.RecipientSending, holder)
	return err
}

// mergeData fills in the contact and customer fields templates use, read
// by primary key. A contact or customer deleted since leaves them empty.
func (s *Store) mergeData(ctx context.Context, rs []*model.BulkRecipient) error {
	var contactIDs, customerIDs []int64
	for _, r := range rs {
		if r.ContactID != nil {
			contactIDs = append(contactIDs, *r.ContactID)
		}
		if r.CustomerID != nil {
			customerIDs = append(customerIDs, *r.CustomerID)
		}
	}
	type contact struct {
		name, title, mobile, email string
		noSMS, noEmail             bool
	}
	contacts := make(map[int64]contact, len(contactIDs))
	err := s.eachByID(ctx, `SELECT id, name, title, mobile, email, opt_out_sms, opt_out_email FROM contacts`, contactIDs, func(rows *sql.Rows) error {
		var id int64
		var c contact
		if err := rows.Scan(&id, &c.name, &c.title, &c.mobile, &c.email, &c.noSMS, &c.noEmail); err != nil {
			return err
		}
		contacts[id] = c
		return nil
	})
	if err != nil {
		return fmt.Errorf("contacts: %w", err)
	}
	type customer struct {
		name, code string
		dnc        bool
	}
	customers := make(map[int64]customer, len(customerIDs))
	err = s.eachByID(ctx, `SELECT id, name, COALESCE(code, ''), do_not_contact FROM customers`, customerIDs, func(rows *sql.Rows) error {
		var id int64
		var c customer
		if err := rows.Scan(&id, &c.name, &c.code, &c.dnc); err != nil {
			return err
		}
		customers[id] = c
		return nil
	})
	if err != nil {
		return fmt.Errorf("customers: %w", err)
	}
	for _, r := range rs {
		if r.ContactID != nil {
			c := contacts[*r.ContactID]
			r.ContactName, r.ContactTitle, r.ContactMobile, r.ContactEmail = c.name, c.title, c.mobile, c.email
			if r.Channel == model.ChannelSMS && c.noSMS || r.Channel == model.ChannelEmail && c.noEmail {
				r.Barred = model.SkipOptedOut
			}
		}
		if r.CustomerID != nil {
			c := customers[*r.CustomerID]
			r.CustomerName, r.CustomerCode = c.name, c.code
			if c.dnc {
				r.Barred = model.SkipDoNotContact
			}
		}
	}
	return nil
}

// eachByID runs selectFrom (a SELECT … FROM table) for the rows whose id is
// in ids, once per distinct id, calling scan for each row.
func (s *Store) eachByID(ctx context.Context, selectFrom string, ids []int64, scan func(*sql.Rows) error) error {
	return s.eachIn(ctx, s.r, selectFrom+` WHERE `, "id", ids, scan)
}

// Outcome is what happened to one claimed recipient.
type Outcome struct {
	Recipient  *model.BulkRecipient
	Sent       bool
	ProviderID string
	Content    string // the rendered message, kept on the record
	Subject    string
	// For failures: Retry puts the row back to pending until RetryAt.
	Reason, Detail string
	Retry          bool
	RetryAt        time.Time
	// Skip settles a row given to no provider as skipped, with Reason.
	Skip bool
	// Hold puts a row given to no provider back to pending, held for
	// quiet hours until RetryAt, without counting the attempt.
	Hold bool
}

// CompleteRecipients settles claimed recipients in one transaction: sent
// rows get their contact record (source bulk, linked to the send and to the
// recipient — a unique index allows one record per recipient) and become
// "sent"; failures become "failed", or "pending" again when retried. Only
// rows still held by holder in state "sending" change, so a row settled
// elsewhere (cancel, recovery) is never settled twice. b is the send as
// BulkSendToWork returns it: its records get its topics.
func (s *Store) CompleteRecipients(ctx context.Context, b *model.BulkSend, provider, holder string, outs []Outcome) error {
	_, err := s.SettleAndHand(ctx, b, provider, holder, outs, nil)
	return err
}

// SettleAndHand settles outs as CompleteRecipients does and, in the same
// transaction, marks the rows of hand handed: their messages go to the
// provider next. Only rows holder still has in "sending" are marked (a
// row whose claim lapsed was taken back and must not be sent); it
// returns their ids, in hand's order. Marking also renews the rows'
// claim.
func (s *Store) SettleAndHand(ctx context.Context, b *model.BulkSend, provider, holder string, outs []Outcome, hand []int64) ([]int64, error) {
	if len(outs) == 0 && len(hand) == 0 {
		return nil, nil
	}
	if len(outs) > 0 {
		s.prepareWanted(ctx)
	}
	var handed []int64
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		t := now()
		for start := 0; start < len(outs); start += settleChunk {
			part := outs[start:min(start+settleChunk, len(outs))]
			if err := s.settle(ctx, tx, b, provider, holder, part, t); err != nil {
				return err
			}
		}
		if len(hand) == 0 {
			return nil
		}
		var err error
		handed, err = s.hand(ctx, tx, holder, hand, t)
		return err
	})
	return handed, err
}

func (s *Store) hand(ctx context.Context, tx *sql.Tx, holder string, ids []int64, t time.Time) ([]int64, error) {
	u := s.bulkQuery()
	u.Add(`UPDATE bulk_recipients SET handed = TRUE, updated_at = `, u.Arg(t), ` WHERE `, s.idIn(u, "id", ids),
		` AND status = `, u.Arg(model.RecipientSending), ` AND claimed_by = `, u.Arg(holder), ` RETURNING id`)
	rows, err := s.txQuery(ctx, tx, repeatsText(len(ids)), u.SQL(), u.Args()...)
	if err != nil {
		return nil, fmt.Errorf("hand: %w", err)
	}
	defer rows.Close()
	got := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		got[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(got))
	for _, id := range ids {
		if got[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// RenewClaim keeps the rows holder has in "sending" of one channel of a
// send from lapsing while their messages are with a slow provider.
func (s *Store) RenewClaim(ctx context.Context, bulkID int64, channel, holder string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE bulk_recipients SET updated_at = $1 WHERE bulk_send_id = $2 AND channel = $3
		AND NOT settled AND status = $4 AND claimed_by = $5`, now(), bulkID, channel, model.RecipientSending, holder)
	if err != nil {
		return fmt.Errorf("store: renew claim: %w", err)
	}
	return nil
}

// settleChunk is how many outcomes one statement settles.
const settleChunk = 500

// repeatsText reports whether a statement naming n rows by id has a text
// that comes again and again: a full chunk's, or a small group's.
func repeatsText(n int) bool { return n == settleChunk || n <= smallGroup }

// smallGroup is the most rows a group handed over at a time names.
const smallGroup = 10

func (s *Store) settle(ctx context.Context, tx *sql.Tx, b *model.BulkSend, provider, holder string, outs []Outcome, t time.Time) error {
	var sent, failed, retry, skipped, held []Outcome
	for _, o := range outs {
		switch {
		case o.Hold:
			held = append(held, o)
		case o.Sent:
			sent = append(sent, o)
		case o.Retry:
			retry = append(retry, o)
		case o.Skip:
			skipped = append(skipped, o)
		default:
			failed = append(failed, o)
		}
	}
	if err := s.settleHeld(ctx, tx, holder, held); err != nil {
		return err
	}
	if len(sent) > 0 {
		if err := s.settleSent(ctx, tx, b, provider, holder, sent, t); err != nil {
			return err
		}
	}
	// Failures and retries: one UPDATE per distinct (status, reason,
	// detail, retry time) — few, since a provider fails a batch alike.
	type key struct {
		status, reason, detail string
		at                     time.Time
	}
	groups := map[key][]Outcome{}
	var order []key
	for _, group := range []struct {
		outs   []Outcome
		status string
	}{{failed, model.RecipientFailed}, {retry, model.RecipientPending}, {skipped, model.RecipientSkipped}} {
		for _, o := range group.outs {
			at := o.RetryAt
			if at.IsZero() {
				at = t
			}
			k := key{group.status, o.Reason, o.Detail, dbTime(at)}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], o)
		}
	}
	for _, k := range order {
		u := s.bulkQuery()
		u.Add(`UPDATE bulk_recipients SET status = `, u.Arg(k.status), `, settled = `, settledFor(k.status), `, provider = `, u.Arg(provider), `, reason = `,
			u.Arg(k.reason), `, detail = `, u.Arg(k.detail), `, next_attempt_at = `, u.Arg(k.at), `, updated_at = `, u.Arg(t),
			` WHERE `, s.idIn(u, "id", outcomeIDs(groups[k])), ` AND status = `, u.Arg(model.RecipientSending),
			` AND claimed_by = `, u.Arg(holder))
		if _, err := tx.ExecContext(ctx, u.SQL(), u.Args()...); err != nil {
			return fmt.Errorf("mark %s: %w", k.status, err)
		}
	}
	return s.unmarkFrequency(ctx, tx, failed)
}

// outcomeIDs lists the recipient ids of outs.
func outcomeIDs(outs []Outcome) []int64 {
	ids := make([]int64, len(outs))
	for i, o := range outs {
		ids[i] = o.Recipient.ID
	}
	return ids
}

// settleSent marks sent rows and writes their records (which keep the
// provider's message id). Only rows this holder still has in "sending"
// move (the UPDATE returns them), and only those get a record. Statements
// name their rows by primary key and join nothing: joins on a VALUES list
// mislead the planner and cost several times more.
func (s *Store) settleSent(ctx context.Context, tx *sql.Tx, b *model.BulkSend, provider, holder string, sent []Outcome, t time.Time) error {
	u := s.bulkQuery()
	u.Add(`UPDATE bulk_recipients SET status = `, u.Arg(model.RecipientSent), `, settled = `, settledFor(model.RecipientSent), `, provider = `, u.Arg(provider),
		`, updated_at = `, u.Arg(t), ` WHERE `, s.idIn(u, "id", outcomeIDs(sent)), ` AND status = `,
		u.Arg(model.RecipientSending), ` AND claimed_by = `, u.Arg(holder), ` RETURNING id`)
	// A full chunk's statements repeat their text, as do those of the
	// few messages settled at a time while a dispatcher hands them over
	// in small groups: on SQLite they are compiled once.
	full := repeatsText(len(sent))
	rows, err := s.txQuery(ctx, tx, full, u.SQL(), u.Args()...)
	if err != nil {
		return fmt.Errorf("mark sent: %w", err)
	}
	mine := make(map[int64]bool, len(sent))
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		mine[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var recs []Outcome
	for _, o := range sent {
		if mine[o.Recipient.ID] && o.Recipient.CustomerID != nil {
			recs = append(recs, o)
		}
	}
	if len(recs) == 0 {
		return nil
	}
	query, args := s.bulkRecordsInsert(b, provider, recs, t)
	if err := s.txExec(ctx, tx, full && len(recs) == len(sent), query, args...); err != nil {
		return fmt.Errorf("bulk records: %w", err)
	}
	if len(b.TopicIDs) == 0 {
		return nil
	}
	ids := outcomeIDs(recs)
	tq := s.bulkQuery()
	tq.Add(`INSERT INTO record_topics (record_id, topic_id) SELECT cr.id, bt.topic_id FROM contact_records cr
		JOIN bulk_send_topics bt ON bt.bulk_send_id = cr.bulk_send_id WHERE cr.bulk_send_id = `, tq.Arg(b.ID), ` AND `,
		s.idIn(tq, "cr.bulk_recipient_id", ids))
	if _, err := tx.ExecContext(ctx, tq.SQL(), tq.Args()...); err != nil {
		return fmt.Errorf("bulk record topics: %w", err)
	}
	return nil
}

// ResolveStaleSending settles recipients of one channel left in "sending"
// by a worker that stopped (crashed, killed) more than lease ago; WeCom
// recipients handed to a task (waiting for its member) are not stale.
// Rows it never handed to the provider go back to pending, the attempt
// not counted, and are sent. The provider may or may not have taken the
// messages of the handed ones. When resend is true
// (the provider never delivers a ref twice) they go back to pending, with
// reason outcome_unknown (the provider may have them: they are asked
// again until it answers), and are sent again under the same ref;
// otherwise they are never re-sent blindly: they fail with reason
// outcome_unknown for the operator to decide. It returns how many rows it
// settled.
//
// A claim takes only rows due by its time and stamps them with it, so a
// stale row was also due before the lease began: the statement reads the
// unsettled rows due by then, not every unsettled row of the send.
func (s *Store) ResolveStaleSending(ctx context.Context, bulkID int64, channel string, lease time.Duration, resend bool) (int64, error) {
	t := now()
	status, reason, detail := model.RecipientFailed, model.FailOutcomeUnknown,
		"the process sending it stopped before the provider answer was recorded"
	if resend {
		status, detail = model.RecipientPending, "the process sending it stopped; asked again under the same reference"
	}
	stale := ` WHERE bulk_send_id = $2 AND channel = $3 AND NOT settled AND next_attempt_at < $5 AND status = $4
		AND updated_at < $5 AND wecom_task_id IS NULL`
	// A sender that may ask again marks nothing: all its rows are asked
	// again, as the provider may have any of them.
	handed := ` AND handed`
	if resend {
		handed = ""
	}
	var n int64
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		var released int64
		if !resend {
			res, err := tx.ExecContext(ctx, `UPDATE bulk_recipients SET status = $6, claimed_by = '', attempts = attempts - 1,
				updated_at = $1`+stale+` AND NOT handed`, t, bulkID, channel, model.RecipientSending, t.Add(-lease), model.RecipientPending)
			if err != nil {
				return err
			}
			released, _ = res.RowsAffected()
		}
		res, err := tx.ExecContext(ctx, `UPDATE bulk_recipients SET status = $6, settled = `+settledFor(status)+`, reason = $7,
			detail = $8, next_attempt_at = $1, updated_at = $1`+stale+handed,
			t, bulkID, channel, model.RecipientSending, t.Add(-lease), status, reason, detail)
		if err != nil {
			return err
		}
		unknown, _ := res.RowsAffected()
		n = released + unknown
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: resolve stale: %w", err)
	}
	return n, nil
}

// NextRecipientAttempt returns when the earliest pending recipient of a
// channel is due, and whether any is pending at all.
func (s *Store) NextRecipientAttempt(ctx context.Context, bulkID int64, channel string) (time.Time, bool, error) {
	var at sql.NullTime
	err := s.r.QueryRowContext(ctx, `SELECT min(next_attempt_at) FROM bulk_recipients WHERE bulk_send_id = $1 AND channel = $2
		AND NOT settled AND status = '`+model.RecipientPending+`'`, bulkID, channel).Scan(&at)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next attempt: %w", err)
	}
	return at.Time, at.Valid, nil
}

// bulkRecordsInsert writes the INSERT of the contact records of sent
// outcomes. What every record of the send shares is bound once; on
// PostgreSQL what differs goes as one array per column (unnest), so a
// chunk of 500 binds a dozen values instead of 8,500 and the statement
// text stays short; SQLite, which has no arrays, gets a VALUES list.
func (s *Store) bulkRecordsInsert(b *model.BulkSend, provider string, outs []Outcome, t time.Time) (string, []any) {
	q := s.bulkQuery()
	q.Add(`INSERT INTO contact_records (customer_id, contact_id, user_id, channel, source, status, title, summary, subject,
		content, address, provider, provider_message_id, bulk_send_id, bulk_recipient_id, contacted_at, created_at) `)
	if s.dialect == Postgres {
		n := len(outs)
		customers, contacts, recipients := make([]int64, n), make([]*int64, n), make([]int64, n)
		subjects, contents, addresses, providerIDs := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		for i, o := range outs {
			rc := o.Recipient
			customers[i], contacts[i], recipients[i] = *rc.CustomerID, rc.ContactID, rc.ID
			subjects[i], contents[i], addresses[i], providerIDs[i] = o.Subject, o.Content, rc.Address, o.ProviderID
		}
		q.Add(`SELECT r.customer_id, r.contact_id, `, q.Arg(nullInt(b.UserID)), `::bigint, `, q.Arg(outs[0].Recipient.Channel),
			`, `, q.Arg(model.SourceBulk), `, `, q.Arg(model.RecordSent), `, `, q.Arg(b.Title), `, `, q.Arg(b.Summary),
			`, r.subject, r.content, r.address, `, q.Arg(provider), `, r.provider_message_id, `, q.Arg(b.ID), `::bigint, r.recipient_id, `,
			q.Arg(t), `::timestamptz, `, q.Arg(t), `::timestamptz FROM unnest(`, q.Arg(customers), `::bigint[], `, q.Arg(contacts),
			`::bigint[], `, q.Arg(subjects), `::text[], `, q.Arg(contents), `::text[], `, q.Arg(addresses), `::text[], `,
			q.Arg(providerIDs), `::text[], `, q.Arg(recipients), `::bigint[]) AS r(customer_id, contact_id, subject, content,
			address, provider_message_id, recipient_id)`)
		return q.SQL(), q.Args()
	}
	q.Add(`VALUES `)
	for i, o := range outs {
		rc := o.Recipient
		if i > 0 {
			q.Add(", ")
		}
		q.Add("(", q.Arg(*rc.CustomerID), ", ", q.Arg(nullInt(rc.ContactID)), ", ", q.Arg(nullInt(b.UserID)), ", ",
			q.Arg(rc.Channel), ", ", q.Arg(model.SourceBulk), ", ", q.Arg(model.RecordSent), ", ", q.Arg(b.Title), ", ",
			q.Arg(b.Summary), ", ", q.Arg(o.Subject), ", ", q.Arg(o.Content), ", ", q.Arg(rc.Address), ", ", q.Arg(provider),
			", ", q.Arg(o.ProviderID), ", ", q.Arg(b.ID), ", ", q.Arg(rc.ID), ", ", q.Arg(t), ", ", q.Arg(t), ")")
	}
	return q.SQL(), q.Args()
}

// settledFor is the value of bulk_recipients.settled for a row with
// status, as a literal both dialects read: true once the row is sent,
// failed or skipped (the CHECK of migration recipient_settled on
// PostgreSQL states the same rule).
func settledFor(status string) string {
	switch status {
	case model.RecipientSent, model.RecipientFailed, model.RecipientSkipped:
		return "TRUE"
	}
	return "FALSE"
}
