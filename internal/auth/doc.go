// Package auth handles passwords (hashing, and the policy a new one must
// meet: long enough, not a common one, not the username), browser sessions
// with their CSRF tokens, API bearer tokens and login throttling. Secrets
// (session ids, tokens) are stored only as SHA-256 hashes. It never imports
// net/http.
package auth
