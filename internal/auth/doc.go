// Package auth handles passwords, browser sessions with their CSRF tokens,
// API bearer tokens and login throttling. Secrets (session ids, tokens) are
// stored only as SHA-256 hashes. It never imports net/http.
package auth
