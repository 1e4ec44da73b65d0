// Package contact is the customer and contact service: it validates input,
// asks the permission engine, and calls storage. It never imports net/http.
package contact
