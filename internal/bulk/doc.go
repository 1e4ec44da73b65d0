// Package bulk is bulk contact (批量联系): it accepts a bulk send — content,
// a recipient selection resolved in SQL, send now or at a time — writing
// every recipient row durably before answering, then delivers it through
// River jobs with an exactly-once state machine per recipient:
//
//	pending → sending → sent | failed | skipped
//
// A chunk of rows is claimed ("sending") in a transaction before the
// provider is called; the contact record is written in the same
// transaction that marks a row sent. Where the provider cannot be asked
// about a ref again, rows are marked handed just before their messages go,
// a group at a time (a provider call's worth; five e-mails over SMTP), in
// the transaction that settles the group before. A row found in "sending"
// after its worker died is never re-sent blindly: if it was never handed
// it goes back to pending; if the provider honours message refs (never
// delivering a ref twice: the webhook contract, the outbox) it is sent
// again under the same ref; otherwise it fails with reason
// outcome_unknown, counted apart and retried only when the operator asks.
// Transient provider errors (5xx, throttling, refused connections) retry
// with exponential backoff up to a limit; permanent ones fail at once with
// the provider's reason; a timeout is asked again under its ref where the
// provider honours refs, and fails at once elsewhere (reason timeout),
// because the provider may have taken the message and a retry could
// deliver it twice. A per-channel rate limit, kept in the database, holds
// across every worker of every process.
package bulk
