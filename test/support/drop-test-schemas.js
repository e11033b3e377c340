/**
 * jest globalSetup and globalTeardown: drops the PostgreSQL schemas tests created (`finmon_test_…`
 * state databases, `finmon_wh_…` warehouse fixtures) while no test runs.
 *
 * Tests must not drop them as they go: PostgreSQL's catalog functions, which introspection (and so
 * kysely's migrator) calls on every table of every schema, fail with `schema "…" does not exist`
 * when another session drops a schema in the middle of the scan. Dropping only before and after
 * the run keeps parallel test files from breaking each other. Without a reachable PostgreSQL this
 * does nothing (the PostgreSQL tests then say so themselves).
 */
const { Client } = require('pg');

const URL = process.env.FINMON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

module.exports = async function dropTestSchemas() {
  const client = new Client({ connectionString: URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query(
      "select nspname from pg_namespace where nspname like 'finmon\\_test\\_%' or nspname like 'finmon\\_wh\\_%'",
    );
    for (const { nspname } of rows) await client.query(`drop schema if exists "${nspname}" cascade`);
  } catch {
    // No PostgreSQL here: nothing to clean.
  } finally {
    await client.end().catch(() => undefined);
  }
};
