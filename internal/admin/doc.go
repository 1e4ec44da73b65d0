// Package admin is the service behind the administration pages and API:
// users, teams, contact topics and settings. Every mutation requires an
// admin policy. It never imports net/http.
package admin
