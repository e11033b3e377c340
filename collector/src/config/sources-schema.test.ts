import { join } from 'node:path';
import { loadMetricsConfig, parseMetricsConfig } from './config-loader';

const REPO_CONFIG = join(__dirname, '..', '..', '..', 'metrics_config.json');

/** The repository's metrics_config.json with `sources` replaced, as text. */
function withSources(sources: unknown): string {
  const config = JSON.parse(JSON.stringify(loadMetricsConfig(REPO_CONFIG))) as Record<string, unknown>;
  config.sources = sources;
  return JSON.stringify(config, null, 2);
}

function problems(sources: unknown): string {
  try {
    parseMetricsConfig(withSources(sources), 'metrics_config.json');
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('the sources section of metrics_config.json', () => {
  it('is valid in the repository, with defaults filled in', () => {
    const config = loadMetricsConfig(REPO_CONFIG);
    const bank = config.sources?.bankStatements[0];
    expect(bank).toMatchObject({ name: 'bank-drop', enabled: true, schedule: '*/15 * * * *', settleSeconds: 5, balanceTypes: ['closing_booked', 'interim_booked'], defaultBank: 'unknown' });
    expect(config.sources?.ecbRates[0]).toMatchObject({ enabled: false, kpi: 'fx_rate', timeoutSeconds: 30 });
    expect(config.sources?.httpProviders).toEqual([]);
  });

  it('accepts a full configuration of every kind', () => {
    expect(
      problems({
        bankStatements: [{ name: 'b', dropDir: '/srv/bank', balanceTypes: ['closing_booked'], accounts: [{ id: 'DE89 3704', account: 'ops-eur' }] }],
        ecbRates: [{ name: 'ecb', url: 'https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml' }],
        httpProviders: [
          {
            name: 'quotes',
            kpi: 'stock_price',
            schedule: '*/15 * * * 1-5',
            url: 'https://www.alphavantage.co/query?function=GLOBAL_QUOTE&symbol={symbol}',
            symbols: [{ symbol: 'NWR', tags: { ticker: 'NWR' } }],
            format: 'json',
            json: { value: '["Global Quote"]["05. price"]', time: '["Global Quote"]["07. latest trading day"]' },
            auth: { query: 'apikey', secret: 'env:ALPHAVANTAGE_KEY' },
            rateLimit: { requests: 5, per: '1m' },
          },
        ],
        sqlWarehouse: [
          {
            name: 'gl',
            connection: 'env:WAREHOUSE_URL',
            schedule: '0 * * * *',
            query: 'select kpi, amount, booked_at, region from gl where booked_at >= $1 and booked_at < $2',
            columns: { kpi: 'kpi', value: 'amount', time: 'booked_at', tags: { region: 'region' } },
          },
        ],
      }),
    ).toBe('');
  });

  it.each([
    ['a literal password in the warehouse connection', { sqlWarehouse: [{ name: 'gl', connection: 'postgres://u:pw@db/x', schedule: '0 * * * *', query: 'select 1 where $1 < $2', kpi: 'revenue', columns: { value: 'v', time: 't' } }] }, /literal secrets are not allowed/],
    ['a query without the window parameters', { sqlWarehouse: [{ name: 'gl', connection: 'env:W', schedule: '0 * * * *', query: "select * from gl where day = '2025-01-01'", kpi: 'revenue', columns: { value: 'v', time: 't' } }] }, /the query must filter on the time window with \$1/],
    ['both kpi and columns.kpi', { sqlWarehouse: [{ name: 'gl', connection: 'env:W', schedule: '0 * * * *', query: 'select 1 where $1 < $2', kpi: 'revenue', columns: { kpi: 'k', value: 'v', time: 't' } }] }, /give exactly one of kpi or columns.kpi/],
    ['an unknown KPI', { httpProviders: [{ name: 'q', kpi: 'share_price', schedule: '0 * * * *', url: 'https://x/{symbol}', symbols: [{ symbol: 'A', tags: { ticker: 'A' } }], format: 'csv', csv: { value: 'Close' } }] }, /sources.httpProviders\[0\].kpi.*unknown KPI "share_price"/s],
    ['a tag that is no dimension', { httpProviders: [{ name: 'q', kpi: 'stock_price', schedule: '0 * * * *', url: 'https://x/{symbol}', symbols: [{ symbol: 'A', tags: { exchange: 'A' } }], format: 'csv', csv: { value: 'Close' } }] }, /"exchange" is not a dimension of KPI "stock_price" \(ticker\)/],
    ['a placeholder for a key', { httpProviders: [{ name: 'q', kpi: 'stock_price', schedule: '0 * * * *', url: 'https://x/{symbol}?k={apikey}', symbols: [{ symbol: 'A', tags: { ticker: 'A' } }], format: 'csv', csv: { value: 'Close' } }] }, /unknown placeholder \{apikey\}/],
    ['a credential in plain headers', { httpProviders: [{ name: 'q', kpi: 'stock_price', schedule: '0 * * * *', url: 'https://x/{symbol}', symbols: [{ symbol: 'A', tags: { ticker: 'A' } }], format: 'csv', csv: { value: 'Close' }, headers: { Authorization: 'Bearer abc' } }] }, /header Authorization carries a credential/],
    ['a json format without mapping', { httpProviders: [{ name: 'q', kpi: 'stock_price', schedule: '0 * * * *', url: 'https://x/{symbol}', symbols: [{ symbol: 'A', tags: { ticker: 'A' } }], format: 'json' }] }, /format "json" needs a json mapping/],
    ['a cash-flow KPI without currency dimension', { bankStatements: [{ name: 'b', dropDir: 'x', cashFlowKpi: 'net_cash_flow' }] }, /KPI "net_cash_flow" has no currencyDimension; entries are in each account's currency/],
    ['a stock as cash-flow KPI', { bankStatements: [{ name: 'b', dropDir: 'x', cashFlowKpi: 'bank_balance' }] }, /KPI "bank_balance" is a stock; entries need a flow KPI/],
    ['a derived balance KPI', { bankStatements: [{ name: 'b', dropDir: 'x', balanceKpi: 'cash_position' }] }, /KPI "cash_position" is derived from a formula/],
    ['a duplicate name', { bankStatements: [{ name: 'feed', dropDir: 'x' }], ecbRates: [{ name: 'feed' }] }, /source name "feed" is already used by sources.bankStatements\[0\]/],
    ['an ECB KPI without pair', { ecbRates: [{ name: 'ecb', kpi: 'interest_rate' }] }, /KPI "interest_rate" has no dimension "pair"/],
    ['a bad cron', { ecbRates: [{ name: 'ecb', schedule: 'every hour' }] }, /has 2 fields/],
    ['an unknown key', { bankStatements: [{ name: 'b', dropDir: 'x', folder: 'y' }] }, /folder/],
    ['an unknown kind', { ftp: [] }, /ftp/],
  ])('rejects %s', (_name, sources, message) => {
    expect(problems(sources)).toMatch(message);
  });
});
