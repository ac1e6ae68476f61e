// Structured logs: one JSON object a line on stderr, with a level threshold and child loggers that
// carry context (space, member) into every line they write.
import type { LogLevel } from './config.js';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;
export type LogSink = (line: string) => void;

export class Logger {
  readonly #level: LogLevel;
  /** Fields added to every line this logger writes. */
  readonly #context: LogFields;
  readonly #sink: LogSink;

  constructor(level: LogLevel, context: LogFields = {}, sink: LogSink = (line) => process.stderr.write(line + '\n')) {
    this.#level = level;
    this.#context = context;
    this.#sink = sink;
  }

  child(context: LogFields): Logger {
    return new Logger(this.#level, { ...this.#context, ...context }, this.#sink);
  }

  debug(msg: string, fields?: LogFields): void {
    this.#write('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.#write('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.#write('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.#write('error', msg, fields);
  }

  #write(level: LogLevel, msg: string, fields?: LogFields): void {
    if (RANK[level] < RANK[this.#level]) return;
    const line: LogFields = { time: new Date().toISOString(), level, msg, ...this.#context, ...fields };
    for (const [key, value] of Object.entries(line)) {
      if (value instanceof Error) line[key] = { name: value.name, message: value.message, stack: value.stack };
    }
    this.#sink(JSON.stringify(line));
  }
}
