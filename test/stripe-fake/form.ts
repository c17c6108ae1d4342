/**
 * Stripe's request bodies (and GET queries) are form-encoded with bracketed keys, as the SDK writes
 * them: `metadata[settle_attempt]=…`, `payment_method_types[0]=card`,
 * `mandate_data[customer_acceptance][type]=offline`. This reads them back into nested objects and arrays.
 */
export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

export function parseForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const path = keyPath(key);
    let node: FormObject = root;
    path.forEach((part, i) => {
      const name = part === '' ? String(Object.keys(node).length) : part;
      if (i === path.length - 1) {
        node[name] = value;
        return;
      }
      const next = node[name];
      if (typeof next === 'object' && !Array.isArray(next)) node = next;
      else {
        const fresh: FormObject = {};
        node[name] = fresh;
        node = fresh;
      }
    });
  }
  return arraysOf(root) as FormObject;
}

function keyPath(key: string): string[] {
  const first = key.indexOf('[');
  if (first < 0) return [key];
  const rest = [...key.slice(first).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '');
  return [key.slice(0, first), ...rest];
}

/** Objects whose keys are 0, 1, 2… were arrays. */
function arraysOf(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted: FormObject = {};
  for (const k of keys) converted[k] = arraysOf(value[k] as FormValue);
  if (keys.length > 0 && keys.every((k, i) => k === String(i)))
    return keys.map((k) => converted[k] as FormValue);
  return converted;
}

export function str(form: FormObject, key: string): string | undefined {
  const v = form[key];
  return typeof v === 'string' ? v : undefined;
}

export function obj(form: FormObject, key: string): FormObject | undefined {
  const v = form[key];
  return typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

export function list(form: FormObject, key: string): string[] | undefined {
  const v = form[key];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : undefined;
}

/** Metadata as Stripe keeps it: string values only. */
export function metadataOf(form: FormObject): Record<string, string> {
  const m = obj(form, 'metadata') ?? {};
  return Object.fromEntries(Object.entries(m).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
