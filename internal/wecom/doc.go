// Package wecom connects Touchbase to the company's WeCom (企业微信): the
// connection settings (corp id, the customer-contact secret, an
// application's agent id and secret, the callback token and
// EncodingAESKey, secrets sealed at rest), one access token per corp and
// secret shared by every process through the database, the qyapi calls
// Touchbase makes, the mapping of users to members and of contacts to
// external contacts with a sync job that walks every mapped member's
// customers, and the encrypted callbacks that keep those identities up
// to date.
package wecom
