import { createLogger, type Logger } from '../../core/logger';

/** finmon's real logger (with its redaction) writing JSON lines into memory, for assertions. */
export function captureLogger(): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, text: () => lines.join('') };
}
