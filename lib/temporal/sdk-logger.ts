// The Temporal SDK's own log lines (the worker's, its workflows' and activities' `log`) through our logger, at the
// level LOG_LEVEL names: they are redacted like ours and go where ours go. Given to Runtime.install by the worker
// process (workers/main.ts) and by the tests that read what a worker logs.
import { DefaultLogger, type LogLevel } from '@temporalio/worker';
import { type Logger } from '../logger';

const SDK_LEVELS: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

export function sdkLogger(logger: Logger, level: string): DefaultLogger {
  return new DefaultLogger(SDK_LEVELS[level] ?? 'INFO', (entry) => {
    const to = entry.level === 'TRACE' ? 'trace' : (entry.level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error');
    logger[to]({ sdk: entry.meta }, entry.message);
  });
}
