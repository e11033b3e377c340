import React, { type ReactNode, useEffect, useRef, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

/**
 * A dashboard panel's frame: a title bar and a body whose measured width (and the given height)
 * is handed to the panel, as Grafana's panel chrome does.
 */
export function PanelBox(props: {
  title: string;
  /** False for panels that show their own title (the gauges); the title still names the region. */
  showTitle?: boolean;
  /** px, or px for a given body width (gauges get shorter on a phone). */
  height: number | ((width: number) => number);
  children: (size: { width: number; height: number }) => ReactNode;
  testId?: string;
}) {
  const styles = useStyles2(getStyles);
  const body = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const height = typeof props.height === 'function' ? props.height(width) : props.height;
  useEffect(() => {
    const element = body.current;
    if (!element) {
      return undefined;
    }
    const observer = new ResizeObserver((entries) => setWidth(Math.floor(entries[0]?.contentRect.width ?? 0)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return (
    <section className={styles.panel} data-testid={props.testId} aria-label={props.title}>
      {props.showTitle !== false && <h2 className={styles.title}>{props.title}</h2>}
      <div ref={body} className={styles.body} style={{ height }}>
        {width > 0 && props.children({ width, height })}
      </div>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1),
    minWidth: 0,
  }),
  title: css({
    fontSize: theme.typography.body.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    margin: theme.spacing(0, 0, 1),
  }),
  body: css({ position: 'relative', minWidth: 0, overflow: 'hidden' }),
});
