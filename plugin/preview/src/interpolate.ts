import type { InterpolateFunction } from '@grafana/data';

/**
 * `${name}` replaced by the scoped variable, else the page's variable, else left as it is —
 * the part of Grafana's template service the panels use for their links.
 */
export function interpolator(vars: Readonly<Record<string, string>>): InterpolateFunction {
  return (text, scoped) =>
    text.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
      const value = scoped?.[name]?.value ?? vars[name];
      return value === undefined ? whole : encodeURIComponent(String(value));
    });
}
