import { compactNumber, KpiChartCache, niceRange, renderKpiChartPng, renderKpiChartSvg, type KpiChartInput } from './kpi-chart';

const DAY = 86_400_000;
const START = Date.UTC(2026, 1, 1);
const input: KpiChartInput = {
  title: 'bank_balance account=ops-usd',
  history: Array.from({ length: 30 }, (_, i) => ({ time: START + i * DAY, value: 1_200_000 - i * 13_000 })),
  forecast: Array.from({ length: 10 }, (_, i) => ({ time: START + (30 + i) * DAY, yhat: 810_000 - i * 10_000, lo80: 760_000 - i * 12_000, hi80: 860_000 - i * 8_000 })),
  threshold: 1_000_000,
  alert: { time: START + 29 * DAY, value: 823_000 },
};

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('renderKpiChartSvg', () => {
  it('draws the history, the threshold line with its label, the alert marker and the forecast band', () => {
    const svg = renderKpiChartSvg(input);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('threshold 1,000,000');
    expect(svg).toContain('bank_balance account=ops-usd');
    expect(svg).toContain('fill="rgb(122,90,248)"');
    expect(svg).toContain('#d92d20');
    expect(svg).toContain('>UTC<');
  });

  it('escapes the title inside the SVG', () => {
    const svg = renderKpiChartSvg({ ...input, title: '<script>x</script> & "q"' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('draws an empty history without failing', () => {
    expect(renderKpiChartSvg({ title: 'nothing yet', history: [] })).toContain('nothing yet');
  });
});

describe('renderKpiChartPng', () => {
  it('renders a PNG at twice the CSS size', async () => {
    const png = await renderKpiChartPng(input);
    expect(pngSize(png)).toEqual({ width: 1280, height: 560 });
    expect(png.length).toBeGreaterThan(10_000);
  });

  it('honours a custom size', async () => {
    expect(pngSize(await renderKpiChartPng({ ...input, width: 400, height: 200 }))).toEqual({ width: 800, height: 400 });
  });
});

describe('KpiChartCache', () => {
  it('draws an identical chart once and keeps only the most recently used ones', async () => {
    const drawn: string[] = [];
    const cache = new KpiChartCache(async (i) => {
      drawn.push(i.title);
      return Buffer.from(i.title);
    }, 2);
    const chart = (title: string) => cache.png({ ...input, title });
    expect((await chart('a')).toString()).toBe('a');
    await chart('a');
    await chart('b');
    await chart('a');
    await chart('c'); // drops b, the least recently used
    await chart('a');
    await chart('b');
    expect(drawn).toEqual(['a', 'b', 'c', 'b']);
    expect(cache.size).toBe(2);
  });

  it('forgets a failed drawing so the next call tries again', async () => {
    let fail = true;
    const cache = new KpiChartCache(async () => {
      if (fail) throw new Error('no font');
      return Buffer.from('png');
    });
    await expect(cache.png(input)).rejects.toThrow('no font');
    fail = false;
    expect((await cache.png(input)).toString()).toBe('png');
  });
});

describe('niceRange', () => {
  it.each([
    ['covers the values with round steps', [608_000, 1_200_000], { min: 600_000, max: 1_200_000, step: 200_000 }],
    ['includes a threshold far from the data', [95, 98, 150], { min: 80, max: 160, step: 20 }],
    ['spreads a constant series', [5, 5], { min: 4.4, max: 5.6, step: 0.2 }],
    ['handles negatives', [-12, 3], { min: -15, max: 5, step: 5 }],
  ])('%s', (_what, values, expected) => {
    expect(niceRange(values)).toEqual(expected);
  });

  it('gives nothing for no values', () => {
    expect(niceRange([])).toBeUndefined();
  });
});

describe('compactNumber', () => {
  it.each([
    [1_250_000, '1.25M'],
    [-3_400, '-3.4k'],
    [999, '999'],
    [0.123456, '0.123'],
    [2e12, '2T'],
  ])('%s → %s', (value, text) => {
    expect(compactNumber(value)).toBe(text);
  });
});
