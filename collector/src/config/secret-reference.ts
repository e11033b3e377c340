import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ErrorCodes, FinmonError } from '../core/errors';

/**
 * Secrets (SMTP passwords, API tokens, private keys) never appear in configuration files: a secret
 * field holds a reference, `env:NAME` (an environment variable) or `file:/absolute/path` (a file
 * holding the secret, e.g. a Docker or Kubernetes secret), resolved when a channel starts.
 */

const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;
const FILE_REFERENCE = /^file:(\/\S*[^\s/])$/;

const LITERAL_SECRET_MESSAGE =
  'literal secrets are not allowed in configuration files: give a reference, "env:NAME" (an environment variable) or "file:/path" (a file holding the secret), e.g. "env:SMTP_PASSWORD"';

/** True when `text` is a well-formed `env:NAME` or `file:/path` reference. */
export function isSecretReference(text: string): boolean {
  return ENV_REFERENCE.test(text) || FILE_REFERENCE.test(text);
}

/**
 * A secret field. Anything but a reference is rejected with a message that never repeats the
 * value (it may be the secret itself).
 */
export const secretReferenceSchema = z
  .string({ error: LITERAL_SECRET_MESSAGE })
  .refine(isSecretReference, { message: LITERAL_SECRET_MESSAGE })
  .describe('A secret reference: "env:NAME" or "file:/absolute/path"; literal secrets are rejected');

/** Where secrets are read from; tests pass their own. */
export interface SecretSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): string;
}

const processSecretSources: SecretSources = {
  env: process.env,
  readFile: (path) => readFileSync(path, 'utf8'),
};

/**
 * The secret a reference points to: the environment variable's value, or the file's content
 * without its trailing newline. Throws `FinmonError(CONFIG_INVALID)` naming the variable or file
 * (never the secret) when it is missing or empty.
 */
export function resolveSecretReference(reference: string, sources: SecretSources = processSecretSources): string {
  const env = ENV_REFERENCE.exec(reference);
  if (env) {
    const value = sources.env[env[1]!];
    if (value === undefined || value === '') {
      throw new FinmonError(ErrorCodes.CONFIG_INVALID, `secret ${reference}: environment variable ${env[1]} is not set or empty`);
    }
    return value;
  }
  const file = FILE_REFERENCE.exec(reference);
  if (file) {
    let content: string;
    try {
      content = sources.readFile(file[1]!);
    } catch (err) {
      throw new FinmonError(
        ErrorCodes.CONFIG_INVALID,
        `secret ${reference}: cannot read ${file[1]} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
        500,
        false,
        { cause: err },
      );
    }
    const secret = content.replace(/\r?\n$/, '');
    if (secret === '') throw new FinmonError(ErrorCodes.CONFIG_INVALID, `secret ${reference}: ${file[1]} is empty`);
    return secret;
  }
  throw new FinmonError(ErrorCodes.CONFIG_INVALID, 'not a secret reference: expected "env:NAME" or "file:/path"');
}
