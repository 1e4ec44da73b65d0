// Package model holds Touchbase's domain types and the error values shared
// by storage, services and handlers.
package model
