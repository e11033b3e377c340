import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The root logger. Stages and adapters receive `logger.child({ component })`.
 * Secrets never reach a log line: the redact list covers the places they could appear.
 */
export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.FINMON_LOG_LEVEL ?? 'info',
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          'authorization',
          'token',
          '*.token',
          'password',
          '*.password',
          'secret',
          '*.secret',
          '*.authToken',
          '*.botToken',
          '*.signingSecret',
          '*.vapidPrivateKey',
          '*.pass',
        ],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}

/** A logger that discards everything, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
