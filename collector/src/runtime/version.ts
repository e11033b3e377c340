/** The collector's version, as published in its package.json. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const COLLECTOR_VERSION: string = (require('../../package.json') as { version: string }).version;
