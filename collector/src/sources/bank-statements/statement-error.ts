import { ErrorCodes, FinmonError } from '../../core/errors';
import type { StatementFormat } from './statement-model';

/**
 * A statement file that cannot be read: the format (when known), where (`line 14`, `line 9,
 * element Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt`) and what is wrong. Never retryable: the same
 * bytes fail the same way, so the file goes to quarantine.
 */
export class StatementFormatError extends FinmonError {
  constructor(
    readonly format: StatementFormat | 'unknown',
    readonly location: string,
    readonly problem: string,
  ) {
    super(ErrorCodes.STATEMENT_MALFORMED, `${format} ${location}: ${problem}`, 422, false);
    this.name = 'StatementFormatError';
  }
}
