// Package permission holds every rule about who may see, contact and edit a
// customer. The rules are written once, as SQL boolean expressions over a
// customers row, so list queries filter in the database and single-object
// checks ask the same expressions about one row: the Go side and the SQL
// side cannot disagree.
//
// The rules:
//   - An admin may do everything.
//   - A user serves a customer when they are its exclusive rep (专属客服), a
//     participant (参与人) or a sharer (共享人).
//   - May contact (single contact, manual records, plans): the user serves the
//     customer; or the setting "open single contact to all users" is on and
//     the user may see the customer.
//   - May see (a customer and its contacts): the user serves it, or manages
//     the team of its exclusive rep, or the visibility scope grants it:
//     own (nothing more), team (the exclusive rep is in the user's team),
//     all (every customer).
//   - May edit (customer details and its contacts): the exclusive rep or a
//     participant. Sharers may contact but not edit.
//   - A bulk send and its recipients are seen by its operator, the manager
//     of the operator's team and admins. Its recipients are chosen among
//     the contacts of customers the operator may see.
package permission
