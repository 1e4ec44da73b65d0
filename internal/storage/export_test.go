package storage

// ReleaseClaim exposes releaseClaim to the package's external tests.
var ReleaseClaim = (*Store).releaseClaim

// IsForeignKeyViolation exposes isForeignKeyViolation to the package's external tests.
var IsForeignKeyViolation = isForeignKeyViolation
