import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';

/**
 * kysely's SQLite dialect with two changes for a file several processes may open:
 *
 * - Transactions start with `BEGIN IMMEDIATE`, taking the write lock up front. A plain (deferred)
 *   `BEGIN` that reads and then writes fails at once with "database is locked" when another
 *   connection wrote meanwhile, without waiting for the busy timeout; an immediate one waits.
 * - The adapter admits transactional DDL, which SQLite has: the Migrator then runs migrations in one
 *   transaction, so a failed migration leaves the file as it was instead of half-migrated.
 */
export class FinmonSqliteDialect extends SqliteDialect {
  constructor(private readonly dialectConfig: SqliteDialectConfig) {
    super(dialectConfig);
  }

  override createDriver(): Driver {
    return new ImmediateTransactionSqliteDriver(this.dialectConfig);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateTransactionSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
