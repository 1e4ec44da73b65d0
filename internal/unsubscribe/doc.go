// Package unsubscribe makes and honours the one-click unsubscribe links
// (RFC 8058) of e-mails: a signed token naming the contact and the address
// a message went to, the link under the public base URL that carries it,
// and the opt-out (with its inbound record) that following it sets. It
// knows nothing of HTTP: the web handlers call it.
package unsubscribe
