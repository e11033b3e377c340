import { useCallback, useEffect, useRef, useState } from 'react';

export interface QueryState<T> {
  value?: T;
  error?: Error;
  /** True until the first answer (a reload keeps showing the last value). */
  loading: boolean;
  /** Loads again. */
  reload: () => void;
}

/**
 * Runs `load` on mount, whenever `deps` change, on `reload()`, and every `refreshMs` when given.
 * Answers that arrive after a newer load started, or after unmount, are dropped.
 */
export function useCollectorQuery<T>(load: () => Promise<T>, deps: readonly unknown[], refreshMs = 0): QueryState<T> {
  const [state, setState] = useState<{ value?: T; error?: Error; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const loadRef = useRef(load);

  useEffect(() => {
    loadRef.current = load;
  });

  const run = useCallback(() => {
    const mine = ++generation.current;
    loadRef.current().then(
      (value) => {
        if (mine === generation.current) {
          setState({ value, loading: false });
        }
      },
      (error: unknown) => {
        if (mine === generation.current) {
          setState((s) => ({
            value: s.value,
            error: error instanceof Error ? error : new Error(String(error)),
            loading: false,
          }));
        }
      }
    );
  }, []);

  useEffect(() => {
    run();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  useEffect(() => {
    if (refreshMs <= 0) {
      return undefined;
    }
    const timer = setInterval(run, refreshMs);
    return () => clearInterval(timer);
  }, [run, refreshMs]);

  useEffect(
    () => () => {
      generation.current++;
    },
    []
  );

  return { ...state, reload: run };
}
