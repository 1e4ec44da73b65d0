// Package importer loads customers with their contacts from a CSV file.
//
// The file may be UTF-8 (with or without a byte-order mark), GBK/GB18030 as
// Excel saves "CSV" on Chinese Windows, or UTF-16 with a byte-order mark;
// fields are separated by commas, semicolons or tabs, whichever makes the
// header name the customer code column. Columns are found by their English
// or Chinese header, in any order.
//
// One row holds a customer and optionally one of its contacts, so a
// customer with three contacts takes three rows with the same code. Every
// row is checked with the same validators as the UI; a bad row is reported
// with its line and field and changes nothing, good rows are imported in
// batched transactions. Importing the same file again updates what the
// first import created instead of duplicating it.
//
// Export writes ticked customers in the same format, so a file a team
// exported and edited imports again.
package importer
