package demo

import (
	"fmt"
	"log/slog"
)

// printfLogger adapts slog to the Printf-style loggers of go-imap and
// go-smtp, which only report unexpected internal errors.
type printfLogger struct {
	logger *slog.Logger
	prefix string
}

// Printf logs a formatted message as a warning.
func (l printfLogger) Printf(format string, args ...any) {
	l.logger.Warn(l.prefix + ": " + fmt.Sprintf(format, args...))
}

// Println logs its arguments as a warning.
func (l printfLogger) Println(args ...any) {
	l.logger.Warn(l.prefix + ": " + fmt.Sprint(args...))
}
