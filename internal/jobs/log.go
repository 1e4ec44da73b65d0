package jobs

import (
	"context"
	"log/slog"
)

// quieter drops records below min: River reports routine progress at
// info level, which would drown the application's own logs.
type quieter struct {
	slog.Handler
	min slog.Level
}

func (q quieter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= q.min && q.Handler.Enabled(ctx, l)
}

func (q quieter) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quieter{Handler: q.Handler.WithAttrs(attrs), min: q.min}
}

func (q quieter) WithGroup(name string) slog.Handler {
	return quieter{Handler: q.Handler.WithGroup(name), min: q.min}
}

// riverLogger returns log limited to warnings and errors, or nil.
func riverLogger(log *slog.Logger) *slog.Logger {
	if log == nil {
		return nil
	}
	return slog.New(quieter{Handler: log.Handler(), min: slog.LevelWarn})
}
