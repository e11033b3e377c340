import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { checkedIsoDate } from '../../bank-statements/statement-dates';
import { MarketDataError } from '../market-data-error';

/** One day of ECB euro reference rates: units of each currency per 1 EUR. */
export interface EcbRateDay {
  /** YYYY-MM-DD. */
  readonly date: string;
  readonly rates: ReadonlyMap<string, number>;
}

const PARSER = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => name === 'Cube',
});

/**
 * The ECB's euro foreign exchange reference rates XML (eurofxref-daily.xml, eurofxref-hist-90d.xml,
 * eurofxref-hist.xml: `Envelope/Cube/Cube[@time]/Cube[@currency,@rate]`) → days, newest first as
 * the ECB serves them. Throws {@link MarketDataError} naming the line (malformed XML) or the day
 * and currency (a bad rate). O(length).
 */
export function parseEcbRates(xml: string, source = 'ECB'): EcbRateDay[] {
  const checked = XMLValidator.validate(xml);
  if (checked !== true) {
    throw new MarketDataError(`${source}: not well-formed XML at line ${checked.err.line}, column ${checked.err.col}: ${checked.err.msg}`);
  }
  const doc = PARSER.parse(xml) as Record<string, unknown>;
  const envelope = doc.Envelope as Record<string, unknown> | undefined;
  if (!envelope || typeof envelope !== 'object' || envelope.Cube === undefined) {
    throw new MarketDataError(`${source}: expected the ECB reference rates format (gesmes:Envelope with a Cube element)`);
  }
  const outer = (envelope.Cube as unknown[])[0];
  const dayCubes = typeof outer === 'object' && outer !== null ? (((outer as Record<string, unknown>).Cube as unknown[] | undefined) ?? []) : [];
  if (dayCubes.length === 0) throw new MarketDataError(`${source}: the document holds no day (no Cube with a time attribute)`);
  return dayCubes.map((raw, i) => {
    const cube = raw as Record<string, unknown>;
    const time = cube['@time'];
    const date = typeof time === 'string' ? checkedIsoDate(time) : undefined;
    if (date === undefined) throw new MarketDataError(`${source}: day ${i + 1} has time ${JSON.stringify(time ?? null)}, expected a date YYYY-MM-DD`);
    const rates = new Map<string, number>();
    for (const entry of (cube.Cube as unknown[] | undefined) ?? []) {
      const e = entry as Record<string, unknown>;
      const currency = e['@currency'];
      const rateText = e['@rate'];
      if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
        throw new MarketDataError(`${source}: ${date}: currency ${JSON.stringify(currency ?? null)} is not an ISO 4217 code`);
      }
      const rate = typeof rateText === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(rateText) ? Number(rateText) : NaN;
      if (!(rate > 0)) throw new MarketDataError(`${source}: ${date}: rate ${JSON.stringify(rateText ?? null)} of ${currency} is not a positive number`);
      rates.set(currency, rate);
    }
    if (rates.size === 0) throw new MarketDataError(`${source}: ${date}: no rates`);
    return { date, rates };
  });
}
