package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// WeComTaskHolder is the claim mark of the recipients handed to task id:
// only the poller settling that task moves them on.
func WeComTaskHolder(id int64) string { return "wecom-task:" + strconv.FormatInt(id, 10) }

// WeComFollower is a member who follows a recipient's WeChat identity:
// the member's userid, the user that member is, and whether that user is
// the customer's exclusive rep.
type WeComFollower struct {
	Member string
	UserID *int64
	IsRep  bool
}

// WeComRecipientFollowers returns, by recipient id, the members who follow each
// WeCom recipient's address, in userid order.
func (s *Store) WeComRecipientFollowers(ctx context.Context, recipientIDs []int64) (map[int64][]WeComFollower, error) {
	out := map[int64][]WeComFollower{}
	err := s.eachIn(ctx, s.r, `SELECT r.id, f.userid, m.user_id, COALESCE(m.user_id = c.rep_id, FALSE) FROM bulk_recipients r
		JOIN wecom_follows f ON f.external_userid = r.address LEFT JOIN wecom_members m ON m.userid = f.userid
		LEFT JOIN customers c ON c.id = r.customer_id WHERE `, "r.id", recipientIDs, func(rows *sql.Rows) error {
		var id int64
		var f WeComFollower
		var user sql.NullInt64
		if err := rows.Scan(&id, &f.Member, &user, &f.IsRep); err != nil {
			return err
		}
		f.UserID = intPtr(user)
		out[id] = append(out[id], f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: wecom followers: %w", err)
	}
	for _, fs := range out {
		slices.SortFunc(fs, func(a, b WeComFollower) int { return strings.Compare(a.Member, b.Member) })
	}
	return out, nil
}

// WeComReceivedSince counts, by WeChat identity, the WeCom mass messages
// Touchbase has sent to each of addresses since since, in bulk sends and
// single contacts.
func (s *Store) WeComReceivedSince(ctx context.Context, addresses []string, since time.Time) (map[string]int, error) {
	out := map[string]int{}
	for start := 0; start < len(addresses); start += settleChunk {
		part := addresses[start:min(start+settleChunk, len(addresses))]
		q := s.bulkQuery()
		q.Add(`SELECT address, count(*) FROM (SELECT address FROM bulk_recipients WHERE channel = `, q.Arg(model.ChannelWeCom),
			` AND settled AND address IN (`, placeholderList(q, part), `) AND status = `, q.Arg(model.RecipientSent),
			` AND updated_at >= `, q.Arg(dbTime(since)), ` UNION ALL SELECT address FROM deliveries WHERE kind = `,
			q.Arg(model.ChannelWeCom), ` AND status = `, q.Arg(model.DeliverySent), ` AND address IN (`, placeholderList(q, part),
			`) AND updated_at >= `, q.Arg(dbTime(since)), `) x GROUP BY address`)
		err := queryEach(ctx, s.r, q, func(rows *sql.Rows) error {
			var addr string
			var n int
			if err := rows.Scan(&addr, &n); err != nil {
				return err
			}
			out[addr] = n
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("store: wecom received: %w", err)
		}
	}
	return out, nil
}

// CountWeComOverLimit counts the contacts of a selection that would get a
// WeCom message (reason "") but have had limit or more since since.
func (s *Store) CountWeComOverLimit(ctx context.Context, p permission.Policy, sel RecipientSelection, limit int, since time.Time) (int, error) {
	var q Query
	q.Add(`SELECT count(*) FROM (`)
	sel.candidates(&q, p, model.ChannelWeCom)
	q.Add(`) s WHERE reason = '' AND (SELECT count(*) FROM bulk_recipients r WHERE r.channel = `, q.Arg(model.ChannelWeCom),
		` AND r.settled AND r.address = s.address AND r.status = `, q.Arg(model.RecipientSent), ` AND r.updated_at >= `,
		q.Arg(dbTime(since)), `) + (SELECT count(*) FROM deliveries d WHERE d.kind = `, q.Arg(model.ChannelWeCom),
		` AND d.status = `, q.Arg(model.DeliverySent), ` AND d.address = s.address AND d.updated_at >= `, q.Arg(dbTime(since)),
		`) >= `, q.Arg(limit))
	var n int
	if err := s.r.QueryRowContext(ctx, q.SQL(), q.Args()...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: wecom over limit: %w", err)
	}
	return n, nil
}

// CreateWeComTask stores t (state creating) and hands it the recipients
// holder claimed: they stay "sending", marked as the task's. It fills
// t.ID.
func (s *Store) CreateWeComTask(ctx context.Context, t *model.WeComTask, holder string, recipientIDs []int64) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		at := now()
		t.CreatedAt, t.Deadline, t.State = at, dbTime(t.Deadline), model.WeComTaskCreating
		err := tx.QueryRowContext(ctx, `INSERT INTO wecom_tasks (bulk_send_id, sender, state, receivers, created_at, deadline, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $5) RETURNING id`, t.BulkSendID, t.Sender, t.State, len(recipientIDs), at, t.Deadline).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("store: create wecom task: %w", err)
		}
		for start := 0; start < len(recipientIDs); start += settleChunk {
			u := s.bulkQuery()
			u.Add(`UPDATE bulk_recipients SET wecom_task_id = `, u.Arg(t.ID), `, claimed_by = `, u.Arg(WeComTaskHolder(t.ID)),
				`, updated_at = `, u.Arg(at), ` WHERE `, s.idIn(u, "id", recipientIDs[start:min(start+settleChunk, len(recipientIDs))]),
				` AND status = `, u.Arg(model.RecipientSending), ` AND claimed_by = `, u.Arg(holder))
			if _, err := tx.ExecContext(ctx, u.SQL(), u.Args()...); err != nil {
				return fmt.Errorf("store: hand recipients to wecom task: %w", err)
			}
		}
		t.Receivers, t.Waiting = len(recipientIDs), len(recipientIDs)
		return nil
	})
}

// SetWeComTask records a task's new state: its msgid once WeCom created
// it, its confirmation time, a detail of a failure.
func (s *Store) SetWeComTask(ctx context.Context, id int64, state, msgID, detail string, confirmedAt *time.Time) error {
	var confirmed sql.NullTime
	if confirmedAt != nil {
		confirmed = sql.NullTime{Time: dbTime(*confirmedAt), Valid: true}
	}
	_, err := s.w.ExecContext(ctx, `UPDATE wecom_tasks SET state = $1, msgid = CASE WHEN $2 = '' THEN msgid ELSE $2 END,
		detail = $3, confirmed_at = COALESCE($4, confirmed_at), updated_at = $5 WHERE id = $6`, state, msgID, detail, confirmed, now(), id)
	if err != nil {
		return fmt.Errorf("store: set wecom task: %w", err)
	}
	return nil
}

// WeComTasks lists a send's tasks in the given states (every state when
// none is given), each with how many of its receivers still wait, the
// sender's name and the user that member is.
func (s *Store) WeComTasks(ctx context.Context, bulkID int64, states ...string) ([]*model.WeComTask, error) {
	q := s.bulkQuery()
	q.Add(`SELECT t.id, t.bulk_send_id, t.sender, COALESCE(NULLIF(m.name, ''), t.sender), m.user_id, t.msgid, t.state, t.receivers,
		(SELECT count(*) FROM bulk_recipients r WHERE r.wecom_task_id = t.id AND r.status = `, q.Arg(model.RecipientSending), `),
		t.created_at, t.deadline, t.confirmed_at FROM wecom_tasks t LEFT JOIN wecom_members m ON m.userid = t.sender
		WHERE t.bulk_send_id = `, q.Arg(bulkID))
	if len(states) > 0 {
		q.Add(` AND t.state IN (`, placeholderList(q, states), `)`)
	}
	q.Add(` ORDER BY t.id`)
	var out []*model.WeComTask
	err := queryEach(ctx, s.r, q, func(rows *sql.Rows) error {
		var t model.WeComTask
		var user sql.NullInt64
		var confirmed sql.NullTime
		if err := rows.Scan(&t.ID, &t.BulkSendID, &t.Sender, &t.SenderName, &user, &t.MsgID, &t.State, &t.Receivers, &t.Waiting,
			&t.CreatedAt, &t.Deadline, &confirmed); err != nil {
			return err
		}
		t.UserID = intPtr(user)
		if confirmed.Valid {
			t.ConfirmedAt = &confirmed.Time
		}
		out = append(out, &t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: wecom tasks: %w", err)
	}
	return out, nil
}

// WeComTaskRecipients returns the recipients still waiting on a task.
func (s *Store) WeComTaskRecipients(ctx context.Context, taskID int64) ([]*model.BulkRecipient, error) {
	var out []*model.BulkRecipient
	q := s.bulkQuery()
	q.Add(`SELECT id, bulk_send_id, contact_id, customer_id, address FROM bulk_recipients WHERE wecom_task_id = `, q.Arg(taskID),
		` AND status = `, q.Arg(model.RecipientSending), ` ORDER BY id`)
	err := queryEach(ctx, s.r, q, func(rows *sql.Rows) error {
		r := &model.BulkRecipient{Channel: model.ChannelWeCom, Status: model.RecipientSending}
		var contact, customer sql.NullInt64
		if err := rows.Scan(&r.ID, &r.BulkSendID, &contact, &customer, &r.Address); err != nil {
			return err
		}
		r.ContactID, r.CustomerID = intPtr(contact), intPtr(customer)
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: wecom task recipients: %w", err)
	}
	return out, nil
}

// WeComRemindersSince counts a send's reminders since since.
func (s *Store) WeComRemindersSince(ctx context.Context, bulkID int64, since time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM wecom_reminders WHERE bulk_send_id = $1 AND reminded_at > $2`,
		bulkID, dbTime(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: wecom reminders: %w", err)
	}
	return n, nil
}

// AddWeComReminder records that userID reminded a send's waiting members
// at at, unless limit reminders were sent since since; it reports whether
// it did (the check and the insert are one transaction, so two operators
// clicking at once cannot pass the limit together).
func (s *Store) AddWeComReminder(ctx context.Context, bulkID, userID int64, at, since time.Time, limit int) (bool, error) {
	added := false
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		if s.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT id FROM bulk_sends WHERE id = $1 FOR UPDATE`, bulkID); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM wecom_reminders WHERE bulk_send_id = $1 AND reminded_at > $2`,
			bulkID, dbTime(since)).Scan(&n); err != nil {
			return err
		}
		if n >= limit {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO wecom_reminders (bulk_send_id, user_id, reminded_at) VALUES ($1, $2, $3)`,
			bulkID, userID, dbTime(at))
		added = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: add wecom reminder: %w", err)
	}
	return added, nil
}
