// The process's one pino root logger; services take it (or a child) as a parameter, never import a global.
import { pino, type Logger } from "pino";
import type { LogLevel } from "./config.ts";

export type { Logger };

/** Paths pino blanks in every log line, so keys and secrets never reach the logs. */
const REDACTED_PATHS = [
  "apiKey",
  "*.apiKey",
  "authorization",
  "*.authorization",
  "req.headers.authorization",
  "headers.authorization",
  "password",
  "*.password",
  "secret",
  "*.secret",
];

export function createLogger(level: LogLevel, name = "ranaas"): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
