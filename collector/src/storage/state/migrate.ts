import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { Database } from './database';
import { stateMigrations } from './migrations';

/** Serves migrations compiled into the collector; nothing is read from disk at run time. */
export class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Readonly<Record<string, Migration>>) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...this.migrations };
  }
}

/**
 * Brings the state database up to the latest migration and returns the names of the migrations
 * applied now (empty when it was already current). Safe to call on every start and from several
 * processes at once: kysely takes a migration lock and skips migrations already recorded.
 *
 * `migrationTableSchema` must be given on PostgreSQL: kysely otherwise looks for its bookkeeping
 * tables in every schema and would mistake another schema's for ours.
 *
 * @throws FinmonError STORAGE_REJECTED naming the migration that failed (the run is one transaction
 *   when the dialect adapter supports transactional DDL, as both `openStateDb` adapters do).
 */
export async function migrateStateDb(
  db: Kysely<Database>,
  options: { migrationTableSchema?: string; migrations?: Readonly<Record<string, Migration>> } = {},
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new InCodeMigrationProvider(options.migrations ?? stateMigrations),
    ...(options.migrationTableSchema === undefined ? {} : { migrationTableSchema: options.migrationTableSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const where = failed === undefined ? 'before any migration ran' : `in migration ${failed}`;
    const reason = error instanceof Error ? error.message : String(error);
    throw new FinmonError(
      ErrorCodes.STORAGE_REJECTED,
      `state database migration failed ${where}: ${reason}`,
      500,
      false,
      { cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
