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
)

// Delivery receipts are applied in statements of their own: the claim and
// settle statements of a send do not know about them. A receipt finds its
// message by our ref when the provider carried it ("b" + recipient id,
// "d" + delivery id), else by the provider's message id and the number
// (Aliyun's BizId is shared by every number of one call). One that finds
// nothing yet — it came before its row was settled as sent — is kept as
// pending; MatchPendingReceipts applies it once the row is settled.

// ReceiptResult counts what ApplyReceipts or MatchPendingReceipts did.
type ReceiptResult struct {
	New       int // receipts stored (the others were duplicates)
	Duplicate int // receipts already stored, or repeated within the call
	Matched   int // receipts matched to their message
	Pending   int // new receipts not matched yet
	Applied   int // records and recipients whose delivery state changed
}

// receiptChunk is how many receipts one statement stores.
const receiptChunk = 400

// ApplyReceipts stores receipts, each once (a receipt stored before is a
// duplicate and changes nothing), matches them and moves the delivery
// state of their records and recipients forward: sent (or no_receipt) →
// delivered | undelivered. A final state is never overwritten: the first
// receipt of a message wins.
func (s *Store) ApplyReceipts(ctx context.Context, rs []model.Receipt) (ReceiptResult, error) {
	var res ReceiptResult
	list := make([]model.Receipt, 0, len(rs))
	seen := make(map[string]bool, len(rs))
	for _, r := range rs {
		k := receiptKey(r.Provider, r.ProviderMessageID, r.Address, r.Ref, r.Status, r.Code)
		if seen[k] {
			res.Duplicate++
			continue
		}
		seen[k] = true
		list = append(list, r)
	}
	if len(list) == 0 {
		return res, nil
	}
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		t := now()
		targets, err := s.resolveReceipts(ctx, tx, list)
		if err != nil {
			return err
		}
		var apply []receiptTarget
		for start := 0; start < len(list); start += receiptChunk {
			end := min(start+receiptChunk, len(list))
			fresh, err := s.insertReceipts(ctx, tx, list[start:end], targets[start:end], t)
			if err != nil {
				return err
			}
			for i := start; i < end; i++ {
				if !fresh[i-start] {
					res.Duplicate++
					continue
				}
				res.New++
				if targets[i].matched {
					res.Matched++
					apply = append(apply, targets[i])
				} else {
					res.Pending++
				}
			}
		}
		n, err := s.applyDelivery(ctx, tx, apply, t)
		res.Applied = n
		return err
	})
	if err != nil {
		return ReceiptResult{}, fmt.Errorf("store: apply receipts: %w", err)
	}
	return res, nil
}

// receiptKey is what makes two receipts the same one (the unique key of
// delivery_receipts).
func receiptKey(parts ...string) string { return strings.Join(parts, "\x00") }

// receiptTarget is what one receipt matched, and the state it reports.
type receiptTarget struct {
	matched     bool
	recordID    *int64
	recipientID *int64
	deliveryID  *int64
	provider    string
	status      string
	code        string
}

// insertReceipts stores list with what each matched, skipping those
// stored before, and reports which ones it stored.
func (s *Store) insertReceipts(ctx context.Context, tx *sql.Tx, list []model.Receipt, targets []receiptTarget, t time.Time) ([]bool, error) {
	q := s.bulkQuery()
	q.Add(`INSERT INTO delivery_receipts (provider, provider_message_id, ref, address, status, code, provider_time,
		received_at, state, record_id, recipient_id, delivery_id) VALUES `)
	for i, r := range list {
		if i > 0 {
			q.Add(", ")
		}
		state := model.ReceiptPending
		if targets[i].matched {
			state = model.ReceiptMatched
		}
		var at any
		if r.ProviderTime != nil {
			at = dbTime(*r.ProviderTime)
		}
		q.Add("(", q.Arg(r.Provider), ", ", q.Arg(r.ProviderMessageID), ", ", q.Arg(r.Ref), ", ", q.Arg(r.Address), ", ",
			q.Arg(r.Status), ", ", q.Arg(r.Code), ", ", q.Arg(at), ", ", q.Arg(t), ", ", q.Arg(state), ", ",
			q.Arg(nullInt(targets[i].recordID)), ", ", q.Arg(nullInt(targets[i].recipientID)), ", ", q.Arg(nullInt(targets[i].deliveryID)), ")")
	}
	q.Add(` ON CONFLICT DO NOTHING RETURNING provider, provider_message_id, address, ref, status, code`)
	rows, err := tx.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, fmt.Errorf("insert: %w", err)
	}
	defer rows.Close()
	stored := map[string]bool{}
	for rows.Next() {
		var p [6]string
		if err := rows.Scan(&p[0], &p[1], &p[2], &p[3], &p[4], &p[5]); err != nil {
			return nil, err
		}
		stored[receiptKey(p[:]...)] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	fresh := make([]bool, len(list))
	for i, r := range list {
		fresh[i] = stored[receiptKey(r.Provider, r.ProviderMessageID, r.Address, r.Ref, r.Status, r.Code)]
	}
	return fresh, nil
}

// parseRef splits our ref into its kind ('b' bulk recipient, 'd' single
// delivery) and id; ok is false for refs that are not ours.
func parseRef(ref string) (kind byte, id int64, ok bool) {
	if len(ref) < 2 || (ref[0] != 'b' && ref[0] != 'd') {
		return 0, 0, false
	}
	id, err := strconv.ParseInt(ref[1:], 10, 64)
	if err != nil || id <= 0 {
		return 0, 0, false
	}
	return ref[0], id, true
}

// NumberKey is the form numbers are compared in when matching receipts:
// digits only, mainland China numbers without their country code.
func NumberKey(n string) string {
	var b strings.Builder
	for _, c := range n {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	d := b.String()
	if len(d) == 13 && strings.HasPrefix(d, "86") {
		return d[2:]
	}
	return d
}

// resolveReceipts finds what each receipt is about: by our ref, else by
// the provider's message id and number. A receipt whose message is not
// settled as sent yet stays unmatched.
func (s *Store) resolveReceipts(ctx context.Context, db querier, list []model.Receipt) ([]receiptTarget, error) {
	targets := make([]receiptTarget, len(list))
	var recipientIDs, deliveryIDs []int64
	byPMID := map[string][]string{}    // provider → message ids of receipts without a number
	byPair := map[string][][2]string{} // provider → (message id, address as records store it)
	for i, r := range list {
		targets[i] = receiptTarget{provider: r.Provider, status: r.Status, code: r.Code}
		if kind, id, ok := parseRef(r.Ref); ok {
			if kind == 'b' {
				recipientIDs = append(recipientIDs, id)
			} else {
				deliveryIDs = append(deliveryIDs, id)
			}
			continue
		}
		switch {
		case r.ProviderMessageID != "" && r.Address != "":
			for _, a := range addressForms(r.Address) {
				byPair[r.Provider] = append(byPair[r.Provider], [2]string{r.ProviderMessageID, a})
			}
		case r.ProviderMessageID != "":
			byPMID[r.Provider] = append(byPMID[r.Provider], r.ProviderMessageID)
		}
	}
	type hit struct{ record, recipient, delivery *int64 }
	recipients := map[int64]hit{}
	err := s.eachIn(ctx, db, `SELECT br.id, r.id FROM bulk_recipients br LEFT JOIN contact_records r
		ON r.bulk_send_id = br.bulk_send_id AND r.bulk_recipient_id = br.id WHERE br.status = '`+model.RecipientSent+`' AND `,
		"br.id", recipientIDs, func(rows *sql.Rows) error {
			var id int64
			var rec sql.NullInt64
			if err := rows.Scan(&id, &rec); err != nil {
				return err
			}
			recipients[id] = hit{record: intPtr(rec), recipient: &id}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("match recipients: %w", err)
	}
	deliveries := map[int64]hit{}
	err = s.eachIn(ctx, db, `SELECT id, record_id FROM deliveries WHERE status = 'sent' AND `, "id", deliveryIDs, func(rows *sql.Rows) error {
		var id int64
		var rec sql.NullInt64
		if err := rows.Scan(&id, &rec); err != nil {
			return err
		}
		deliveries[id] = hit{record: intPtr(rec), delivery: &id}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("match deliveries: %w", err)
	}
	// Records by provider message id and number (a BizId alone names a
	// thousand); a receipt without a number matches by id alone.
	type pmKey struct{ provider, pmid, number string }
	records := map[pmKey]hit{}
	single := map[pmKey]hit{}
	counts := map[pmKey]int{}
	for provider, pairs := range byPair {
		err := s.recordsByMessage(ctx, db, provider, pairs, func(id int64, pmid, address string, recipient *int64) {
			records[pmKey{provider, pmid, NumberKey(address)}] = hit{record: &id, recipient: recipient}
		})
		if err != nil {
			return nil, fmt.Errorf("match records: %w", err)
		}
	}
	for provider, ids := range byPMID {
		err := s.recordsByMessageID(ctx, db, provider, ids, func(id int64, pmid, _ string, recipient *int64) {
			k := pmKey{provider, pmid, ""}
			counts[k]++
			single[k] = hit{record: &id, recipient: recipient}
		})
		if err != nil {
			return nil, fmt.Errorf("match records: %w", err)
		}
	}
	for i, r := range list {
		var h hit
		var ok bool
		if kind, id, isRef := parseRef(r.Ref); isRef {
			if kind == 'b' {
				h, ok = recipients[id]
			} else {
				h, ok = deliveries[id]
			}
		} else if r.ProviderMessageID != "" {
			if r.Address != "" {
				h, ok = records[pmKey{r.Provider, r.ProviderMessageID, NumberKey(r.Address)}]
			} else if k := (pmKey{r.Provider, r.ProviderMessageID, ""}); counts[k] == 1 {
				h, ok = single[k]
			}
		}
		if ok {
			targets[i].matched = true
			targets[i].recordID, targets[i].recipientID, targets[i].deliveryID = h.record, h.recipient, h.delivery
		}
	}
	return targets, nil
}

// recordsByMessageID calls fn for each record of provider whose provider
// message id is one of ids.
func (s *Store) recordsByMessageID(ctx context.Context, db querier, provider string, ids []string, fn func(id int64, pmid, address string, recipient *int64)) error {
	ids = uniqueStrings(ids)
	for start := 0; start < len(ids); start += receiptChunk {
		part := ids[start:min(start+receiptChunk, len(ids))]
		q := s.bulkQuery()
		// "provider_message_id <> ''" is spelled out so both planners use
		// the partial index of migration delivery_receipts.
		q.Add(`SELECT id, provider_message_id, address, bulk_recipient_id FROM contact_records WHERE provider_message_id <> '' AND `,
			s.textIn(q, "provider_message_id", part), ` AND provider = `, q.Arg(provider))
		if err := queryEach(ctx, db, q, matchScanner(fn)); err != nil {
			return err
		}
	}
	return nil
}

// eachIn runs prefix + "col in ids" on db for the distinct ids, a chunk
// at a time, calling scan for each row.
func (s *Store) eachIn(ctx context.Context, db querier, prefix, col string, ids []int64, scan func(*sql.Rows) error) error {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for start := 0; start < len(ids); start += settleChunk {
		q := s.bulkQuery()
		q.Add(prefix, s.idIn(q, col, ids[start:min(start+settleChunk, len(ids))]))
		if err := queryEach(ctx, db, q, scan); err != nil {
			return err
		}
	}
	return nil
}

// queryEach runs q on db and calls scan for each row.
func queryEach(ctx context.Context, db querier, q *Query, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// matchScanner reads a row of (record id, provider message id, address,
// recipient id) and hands it to fn.
func matchScanner(fn func(id int64, pmid, address string, recipient *int64)) func(*sql.Rows) error {
	return func(rows *sql.Rows) error {
		var id int64
		var pmid, address string
		var recipient sql.NullInt64
		if err := rows.Scan(&id, &pmid, &address, &recipient); err != nil {
			return err
		}
		fn(id, pmid, address, intPtr(recipient))
		return nil
	}
}

// addressForms are the ways a record may hold the number a receipt
// names: as written, in E.164, and for a mainland number without its
// country code, with +86.
func addressForms(a string) []string {
	forms := []string{a}
	k := NumberKey(a)
	if len(k) == 11 && k[0] == '1' {
		forms = append(forms, "+86"+k)
	}
	if d := "+" + strings.TrimLeft(a, "+"); d != a {
		forms = append(forms, d)
	}
	return uniqueStrings(forms)
}

// recordsByMessage calls fn for each record of provider whose (provider
// message id, address) is one of pairs, found through the index on both.
func (s *Store) recordsByMessage(ctx context.Context, db querier, provider string, pairs [][2]string, fn func(id int64, pmid, address string, recipient *int64)) error {
	for start := 0; start < len(pairs); start += receiptChunk {
		part := pairs[start:min(start+receiptChunk, len(pairs))]
		q := s.bulkQuery()
		if s.dialect == Postgres {
			pmids, addrs := make([]string, len(part)), make([]string, len(part))
			for i, p := range part {
				pmids[i], addrs[i] = p[0], p[1]
			}
			q.Add(`SELECT r.id, r.provider_message_id, r.address, r.bulk_recipient_id FROM contact_records r JOIN unnest(`,
				q.Arg(pmids), `::text[], `, q.Arg(addrs), `::text[]) AS k(pmid, addr) ON r.provider_message_id = k.pmid
				AND r.address = k.addr WHERE r.provider_message_id <> '' AND r.provider = `, q.Arg(provider))
		} else {
			q.Add(`SELECT id, provider_message_id, address, bulk_recipient_id FROM contact_records WHERE provider_message_id <> ''
				AND provider = `, q.Arg(provider), ` AND (provider_message_id, address) IN (VALUES `)
			for i, p := range part {
				if i > 0 {
					q.Add(", ")
				}
				q.Add("(", q.Arg(p[0]), ", ", q.Arg(p[1]), ")")
			}
			q.Add(`)`)
		}
		if err := queryEach(ctx, db, q, matchScanner(fn)); err != nil {
			return err
		}
	}
	return nil
}

// textIn binds vals and returns a condition that col is one of them.
func (s *Store) textIn(q *Query, col string, vals []string) string {
	if s.dialect == Postgres {
		return col + ` = ANY(` + q.Arg(vals) + `::text[])`
	}
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = q.Arg(v)
	}
	return col + ` IN (` + strings.Join(ph, ", ") + `)`
}

func uniqueStrings(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0:0]
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// correctsUndelivered lists the providers that document a later
// "delivered" correcting an earlier "undelivered" for the same message.
// None of ours does (Aliyun, Tencent Cloud and Twilio describe their
// final states as final), so the first final state wins.
var correctsUndelivered = map[string]bool{}

// applyDelivery moves the records and recipients of matched receipts
// forward, one statement per (state, code) and table. Each message takes
// the first receipt given for it.
func (s *Store) applyDelivery(ctx context.Context, tx *sql.Tx, targets []receiptTarget, t time.Time) (int, error) {
	type group struct {
		status, code string
		correct      bool
	}
	recordWin, recipientWin := map[int64]receiptTarget{}, map[int64]receiptTarget{}
	pick := func(m map[int64]receiptTarget, id int64, tg receiptTarget) {
		prev, ok := m[id]
		if !ok || (prev.status == model.DeliveryUndelivered && tg.status == model.DeliveryDelivered && correctsUndelivered[tg.provider]) {
			m[id] = tg
		}
	}
	for _, tg := range targets {
		if tg.recordID != nil {
			pick(recordWin, *tg.recordID, tg)
		}
		if tg.recipientID != nil {
			pick(recipientWin, *tg.recipientID, tg)
		}
	}
	applied := 0
	for _, table := range []struct {
		wins map[int64]receiptTarget
		set  func(q *Query, g group, ids []int64)
	}{
		{recordWin, func(q *Query, g group, ids []int64) {
			from := `status IN ('` + model.RecordSent + `', '` + model.RecordNoReceipt + `'`
			if g.correct {
				from += `, '` + model.RecordUndelivered + `'`
			}
			q.Add(`UPDATE contact_records SET status = `, q.Arg(g.status), `, delivery_code = `, q.Arg(g.code), `, receipt_at = `,
				q.Arg(t), ` WHERE `, s.idIn(q, "id", ids), ` AND `, from, `)`)
		}},
		{recipientWin, func(q *Query, g group, ids []int64) {
			from := `delivery IN ('', '` + model.DeliveryNoReceipt + `'`
			if g.correct {
				from += `, '` + model.DeliveryUndelivered + `'`
			}
			q.Add(`UPDATE bulk_recipients SET delivery = `, q.Arg(g.status), `, delivery_code = `, q.Arg(g.code),
				` WHERE `, s.idIn(q, "id", ids), ` AND status = '`+model.RecipientSent+`' AND `, from, `)`)
		}},
	} {
		groups := map[group][]int64{}
		for id, tg := range table.wins {
			g := group{status: tg.status, code: tg.code,
				correct: tg.status == model.DeliveryDelivered && correctsUndelivered[tg.provider]}
			groups[g] = append(groups[g], id)
		}
		for g, ids := range groups {
			for start := 0; start < len(ids); start += settleChunk {
				q := s.bulkQuery()
				table.set(q, g, ids[start:min(start+settleChunk, len(ids))])
				r, err := tx.ExecContext(ctx, q.SQL(), q.Args()...)
				if err != nil {
					return applied, fmt.Errorf("apply %s: %w", g.status, err)
				}
				n, _ := r.RowsAffected()
				applied += int(n)
			}
		}
	}
	return applied, nil
}

// MatchPendingReceipts matches receipts kept as pending (they came before
// their message was settled as sent) and applies those it matches. With
// provider set it looks only at that provider's receipts with one of
// messageIDs or refs (what a settled chunk sent); otherwise at up to limit
// of the oldest pending receipts.
func (s *Store) MatchPendingReceipts(ctx context.Context, provider string, messageIDs, refs []string, limit int) (ReceiptResult, error) {
	var res ReceiptResult
	if provider != "" && len(messageIDs) == 0 && len(refs) == 0 {
		return res, nil
	}
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		q := s.bulkQuery()
		q.Add(`SELECT id, provider, provider_message_id, ref, address, status, code FROM delivery_receipts WHERE state = 'pending'`)
		if provider != "" {
			q.Add(` AND provider = `, q.Arg(provider), ` AND (`)
			var or []string
			if ids := uniqueStrings(messageIDs); len(ids) > 0 {
				or = append(or, s.textIn(q, "provider_message_id", ids))
			}
			if len(refs) > 0 {
				or = append(or, s.textIn(q, "ref", refs))
			}
			q.Add(strings.Join(or, " OR "), `)`)
		} else {
			q.Add(` ORDER BY received_at, id LIMIT `, q.Arg(max(limit, 1)))
		}
		rows, err := tx.QueryContext(ctx, q.SQL(), q.Args()...)
		if err != nil {
			return err
		}
		var ids []int64
		var list []model.Receipt
		for rows.Next() {
			var id int64
			var r model.Receipt
			if err := rows.Scan(&id, &r.Provider, &r.ProviderMessageID, &r.Ref, &r.Address, &r.Status, &r.Code); err != nil {
				rows.Close()
				return err
			}
			ids, list = append(ids, id), append(list, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(list) == 0 {
			return err
		}
		targets, err := s.resolveReceipts(ctx, tx, list)
		if err != nil {
			return err
		}
		var apply []receiptTarget
		for i, tg := range targets {
			if !tg.matched {
				res.Pending++
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE delivery_receipts SET state = 'matched', record_id = $1, recipient_id = $2,
				delivery_id = $3 WHERE id = $4`, nullInt(tg.recordID), nullInt(tg.recipientID), nullInt(tg.deliveryID), ids[i]); err != nil {
				return err
			}
			res.Matched++
			apply = append(apply, tg)
		}
		res.Applied, err = s.applyDelivery(ctx, tx, apply, now())
		return err
	})
	if err != nil {
		return ReceiptResult{}, fmt.Errorf("store: match pending receipts: %w", err)
	}
	return res, nil
}

// ExpirePendingReceipts marks receipts still pending that arrived before
// before as unknown: they are kept for audit, no longer matched.
func (s *Store) ExpirePendingReceipts(ctx context.Context, before time.Time) (int64, error) {
	r, err := s.w.ExecContext(ctx, `UPDATE delivery_receipts SET state = 'unknown' WHERE state = 'pending' AND received_at < $1`, dbTime(before))
	if err != nil {
		return 0, fmt.Errorf("store: expire receipts: %w", err)
	}
	return r.RowsAffected()
}

// Receipts returns the stored receipts whose provider message id is pmid
// (all of them when pmid is empty), in the order they were received, up
// to limit.
func (s *Store) Receipts(ctx context.Context, provider, pmid string, limit int) ([]*model.Receipt, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, provider, provider_message_id, ref, address, status, code, provider_time,
		received_at, state, record_id, recipient_id, delivery_id FROM delivery_receipts
		WHERE provider = $1 AND ($2 = '' OR provider_message_id = $2) ORDER BY id LIMIT $3`, provider, pmid, limit)
	if err != nil {
		return nil, fmt.Errorf("store: receipts: %w", err)
	}
	defer rows.Close()
	var out []*model.Receipt
	for rows.Next() {
		var r model.Receipt
		var at sql.NullTime
		var rec, rcp, del sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Provider, &r.ProviderMessageID, &r.Ref, &r.Address, &r.Status, &r.Code, &at,
			&r.ReceivedAt, &r.State, &rec, &rcp, &del); err != nil {
			return nil, err
		}
		if at.Valid {
			r.ProviderTime = &at.Time
		}
		r.RecordID, r.RecipientID, r.DeliveryID = intPtr(rec), intPtr(rcp), intPtr(del)
		out = append(out, &r)
	}
	return out, rows.Err()
}
