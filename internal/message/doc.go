// Package message prepares what is sent to a contact: merge fields such as
// {{contact.name}} rendered per recipient, and SMS length and segment
// counting for the cost preview.
//
// Merge templates are plain text with fields between double braces. They
// are parsed by this package alone — never by text/template — so a
// template can only insert the values listed in [Fields], never run code.
package message
