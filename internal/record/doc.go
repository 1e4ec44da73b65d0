// Package record is the contact-record service: manual records, the
// records list and its exports, and single contact — sending one contact's
// SMS and/or e-mail and recording each successful send. It never imports
// net/http.
package record
