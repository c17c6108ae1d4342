import { useSyncExternalStore } from 'react';

/** A journey's answers, page by page, kept in sessionStorage so a reload lands where the payer was. */
export interface SessionStore<T extends object> {
  get(): T;
  /** Merges a change (or applies a function) and tells every subscribed page. */
  update(change: Partial<T> | ((current: T) => T)): T;
  /** Replaces everything, e.g. with what a finished payment leaves behind. */
  replace(next: T): void;
  /** Forgets everything, and the stored copy too (signing out). */
  clear(): void;
  /** The current value in a component, re-rendered on every change. */
  use(): T;
}

/**
 * One store per journey (guest, member, and whatever flow comes next). It never holds a card or bank
 * number: callers keep only the processor's token and brand/last 4.
 */
export function createSessionStore<T extends object>(key: string): SessionStore<T> {
  const listeners = new Set<() => void>();
  let current: T = load();

  function load(): T {
    try {
      const raw = sessionStorage.getItem(key);
      return raw ? (JSON.parse(raw) as T) : ({} as T);
    } catch {
      return {} as T;
    }
  }

  function emit(): void {
    try {
      sessionStorage.setItem(key, JSON.stringify(current));
    } catch {
      // Storage full or blocked: the journey still works until a reload.
    }
    for (const l of listeners) l();
  }

  const get = () => current;
  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };

  return {
    get,
    update(change) {
      current = typeof change === 'function' ? change(current) : { ...current, ...change };
      emit();
      return current;
    },
    replace(next) {
      current = next;
      emit();
    },
    clear() {
      current = {} as T;
      try {
        sessionStorage.removeItem(key);
      } catch {
        // nothing stored
      }
      for (const l of listeners) l();
    },
    use: () => useSyncExternalStore(subscribe, get, get),
  };
}
