// Command ferretdb runs FerretDB, embedded through FerretDB's public `ferretdb` package, on PostgreSQL
// (-postgresql-url) or SQLite (-sqlite-url). Building upstream's cmd/ferretdb outside its own repository
// panics at start (its version check expects git-generated files, FerretDB issue #2982), so the stack
// builds this launcher instead. Telemetry is always off in embedded mode.
package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	postgresqlURL := flag.String("postgresql-url", "", "PostgreSQL URL of an existing database (FerretDB's main backend)")
	sqliteURL := flag.String("sqlite-url", "", "SQLite URI of an existing directory (one file per database)")
	level := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var logLevel slog.Level
	if err := logLevel.UnmarshalText([]byte(*level)); err != nil {
		slog.Error("invalid -log-level", "error", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel}))

	config := &ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: *listen}, Logger: logger}
	switch {
	case *postgresqlURL != "" && *sqliteURL == "":
		config.Handler, config.PostgreSQLURL = "postgresql", *postgresqlURL
	case *sqliteURL != "" && *postgresqlURL == "":
		config.Handler, config.SQLiteURL = "sqlite", *sqliteURL
	default:
		logger.Error("give exactly one of -postgresql-url and -sqlite-url")
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	server, err := ferretdb.New(config)
	if err != nil {
		logger.Error("cannot start FerretDB", "error", err)
		os.Exit(1)
	}
	logger.Info("FerretDB listening", "addr", *listen, "backend", config.Handler)
	if err := server.Run(ctx); err != nil && ctx.Err() == nil {
		logger.Error("FerretDB stopped", "error", err)
		os.Exit(1)
	}
}
