package storage

// IsForeignKeyViolation exposes isForeignKeyViolation to the package's external tests.
var IsForeignKeyViolation = isForeignKeyViolation
