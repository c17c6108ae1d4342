import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { AREA_TEXTS, type Area, TEXT_PARTS, type TextPart, type Texts, textsOf } from './parts';

/**
 * The words a page uses must be in a part its area loads (parts.ts), or i18next shows the key instead
 * of the text. This reads the web app's source as Vite bundles it: the modules the entry imports
 * statically are the first load and may use only the core part; the modules an area reaches (and the
 * first load does not) may use the core and that area's parts. A module two areas share must find its
 * words in both areas' parts.
 */

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const web = path.join(repo, 'web/src');

/**
 * Keys built at run time that this file cannot resolve from the module's own literals, each with the
 * keys it can produce. Empty today: every `${x}.rest` template finds its prefixes among the literals of
 * its own module (SignedOutPage's 'signedOut' | 'memberSessionEnded', for example). Add one here, with
 * a comment saying where the values come from, rather than weaken the check.
 */
const DYNAMIC_KEYS: Record<string, string[]> = {};

// ---------- the module graph ----------

function resolveImport(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith('.')) base = path.resolve(path.dirname(from), spec);
  else if (spec.startsWith('@domain/')) base = path.join(repo, 'src/domain', spec.slice('@domain/'.length));
  else return null; // packages; @contract is imported for types only
  for (const file of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) {
    if (/\.tsx?$/.test(file) && existsSync(file)) return file;
  }
  if (/\.css$/.test(base)) return null;
  throw new Error(`${path.relative(repo, from)}: cannot resolve '${spec}'`);
}

/** Static imports that stay in the bundle (`import type` and `export type` are erased). */
function staticImports(source: string): string[] {
  const specs: string[] = [];
  const from = /^\s*(?:import|export)\s+(?!type\s)(?:[\w$*\s,]|\{[^}]*\})+?\sfrom\s+'([^']+)'/gm;
  for (const m of source.matchAll(from)) specs.push(m[1] ?? '');
  for (const m of source.matchAll(/^\s*import\s+'([^']+)'/gm)) specs.push(m[1] ?? '');
  return specs;
}

const sources = new Map<string, string>();
function read(file: string): string {
  let source = sources.get(file);
  if (source === undefined) {
    source = readFileSync(file, 'utf8');
    sources.set(file, source);
  }
  return source;
}

function reachable(entry: string, skip: ReadonlySet<string> = new Set()): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (seen.has(file) || skip.has(file)) continue;
    seen.add(file);
    for (const spec of staticImports(read(file))) {
      const next = resolveImport(file, spec);
      if (next) todo.push(next);
    }
  }
  return seen;
}

// ---------- the keys a module uses ----------

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Every key an i18next `t()` accepts: each leaf, and each plural's base (`timeout.body` for `timeout.body_one`). */
function keysOf(texts: Texts, prefix = '', into = new Set<string>()): Set<string> {
  for (const [name, value] of Object.entries(texts)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof value === 'string') {
      into.add(key);
      into.add(key.replace(PLURAL, ''));
    } else keysOf(value, key, into);
  }
  return into;
}

/** A template that reads like a key: dotted names, some of them `${…}`, at least one written out. */
function templatePattern(template: string): { head: boolean; rest: string } | null {
  const segments: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of template) {
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    if (ch === '.' && depth === 0) {
      segments.push(current);
      current = '';
    } else current += ch;
  }
  segments.push(current);
  const dynamic = (s: string) => /^\$\{.*\}$/.test(s) && !s.slice(2).includes('${');
  if (segments.length < 2 || !segments.every((s) => dynamic(s) || /^\w+$/.test(s))) return null;
  if (segments.every(dynamic)) return null;
  const regex = segments
    .slice(1)
    .map((s) => (dynamic(s) ? '\\w+' : s))
    .join('\\.');
  const head = segments[0] ?? '';
  return dynamic(head) ? { head: true, rest: `\\.${regex}` } : { head: false, rest: `${head}\\.${regex}` };
}

/**
 * The string and template literals of a TypeScript source, comments skipped, with the literals inside
 * a template's `${…}` taken too. A quote left open at the end of a line (an apostrophe in JSX text)
 * is not a string; a regular expression holding a quote is not told apart (none in web/src).
 */
function literalsOf(source: string): { strings: string[]; templates: string[] } {
  const strings: string[] = [];
  const templates: string[] = [];
  let i = 0;
  const code = (untilBrace: boolean): void => {
    let depth = 0;
    while (i < source.length) {
      const c = source[i];
      const next = source[i + 1];
      if (c === '/' && next === '/') {
        const end = source.indexOf('\n', i);
        i = end < 0 ? source.length : end;
      } else if (c === '/' && next === '*') {
        const end = source.indexOf('*/', i + 2);
        i = end < 0 ? source.length : end + 2;
      } else if (c === "'" || c === '"') quoted(c);
      else if (c === '`') template();
      else {
        i++;
        if (untilBrace && c === '{') depth++;
        if (untilBrace && c === '}' && depth-- === 0) return;
      }
    }
  };
  const quoted = (quote: string): void => {
    let j = i + 1;
    while (j < source.length && source[j] !== quote && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
    if (source[j] === quote) strings.push(source.slice(i + 1, j));
    i = j + 1;
  };
  const template = (): void => {
    const start = ++i;
    while (i < source.length && source[i] !== '`') {
      if (source[i] === '\\') i += 2;
      else if (source[i] === '$' && source[i + 1] === '{') {
        i += 2;
        code(true);
      } else i++;
    }
    const text = source.slice(start, i++);
    (text.includes('${') ? templates : strings).push(text);
  };
  code(false);
  return { strings, templates };
}

/**
 * The keys a module's source names: any string literal that is a key (t('lookup.title'), or a key kept
 * in data such as `{ key: 'bills.errors.selectBill' }`), and every key a template like
 * `bills.kind.${kind}` or `${texts}.title` can produce (the latter's prefixes taken from the module's
 * own literals). `unresolved` lists templates that look like keys yet produce none.
 */
function keysUsedIn(source: string, known: ReadonlySet<string>): { keys: Set<string>; unresolved: string[] } {
  const keys = new Set<string>();
  const unresolved: string[] = [];
  const { strings, templates } = literalsOf(source);
  for (const text of strings) if (known.has(text)) keys.add(text);
  const prefixes = strings.filter((s) => /^[A-Za-z]\w*(\.\w+)*$/.test(s)).map((s) => s.replace(/\./g, '\\.'));
  for (const template of templates) {
    const pattern = templatePattern(template);
    if (!pattern) continue;
    const heads = pattern.head ? prefixes : [''];
    const found = [...known].filter((key) =>
      heads.some((h) => new RegExp(`^${h}${pattern.rest}$`).test(key)),
    );
    for (const key of found) keys.add(key);
    if (found.length === 0) unresolved.push(template);
  }
  return { keys, unresolved };
}

// ---------- the dictionaries ----------

const parts = {} as Record<'en' | 'es', Record<TextPart, Set<string>>>;
const known = new Set<string>();

beforeAll(async () => {
  for (const lang of ['en', 'es'] as const) {
    parts[lang] = {} as Record<TextPart, Set<string>>;
    for (const part of TEXT_PARTS) parts[lang][part] = keysOf(await textsOf[lang][part]());
  }
  for (const part of TEXT_PARTS) for (const key of parts.en[part]) known.add(key);
});

function partsOf(key: string): TextPart[] {
  return TEXT_PARTS.filter((part) => parts.en[part].has(key));
}

/** The first load, and what each area adds to it (the areas App.tsx loads through `areaLoader`). */
function bundle() {
  const first = reachable(path.join(web, 'main.tsx'));
  const app = read(path.join(web, 'App.tsx'));
  const loaded = [...app.matchAll(/areaLoader\('([\w-]+)', \(\) => import\('\.\/areas\/([\w-]+)'\)\)/g)];
  const areas = new Map<string, Area[]>();
  for (const [, area, file] of loaded) {
    expect(file, 'an area loads the texts named like its module').toBe(area);
    for (const module of reachable(path.join(web, `areas/${file}.ts`), first)) {
      areas.set(module, [...(areas.get(module) ?? []), area as Area]);
    }
  }
  return { first, areas, loadedAreas: loaded.map((m) => m[1]) };
}

function allSourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return allSourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('the texts are split into parts', () => {
  it('gives each key one part, with the same keys in Spanish as in English', () => {
    for (const lang of ['en', 'es'] as const) {
      const seen = new Map<string, TextPart>();
      for (const part of TEXT_PARTS) {
        for (const key of parts[lang][part]) {
          const other = seen.get(key);
          expect(other, `${lang}: ${key} is in both ${other} and ${part}`).toBeUndefined();
          seen.set(key, part);
        }
      }
    }
    for (const part of TEXT_PARTS)
      expect([...parts.es[part]].sort(), part).toEqual([...parts.en[part]].sort());
  });

  it('loads every area through areaLoader, with texts listed for it in AREA_TEXTS', () => {
    const { loadedAreas } = bundle();
    const areaFiles = readdirSync(path.join(web, 'areas')).map((f) => f.replace(/\.ts$/, ''));
    expect([...loadedAreas].sort()).toEqual(areaFiles.sort());
    expect(Object.keys(AREA_TEXTS).sort()).toEqual(areaFiles.sort());
    // Any other lazily loaded module would be a chunk whose words nobody checks here.
    const lazy = allSourceFiles(web).filter((f) => /\bimport\(/.test(read(f)));
    expect(lazy.map((f) => path.relative(web, f)).sort()).toEqual(['App.tsx', 'i18n/parts.ts']);
  });

  it('finds every key the first load uses in the core part, and every key an area uses in its parts', () => {
    const { first, areas } = bundle();
    const problems: string[] = [];
    const used = new Set<string>();
    const check = (file: string, allowed: readonly TextPart[], where: string) => {
      const rel = path.relative(repo, file);
      const { keys, unresolved } = keysUsedIn(read(file), known);
      for (const template of unresolved) {
        const listed = DYNAMIC_KEYS[`${rel}: ${template}`];
        if (listed) for (const key of listed) keys.add(key);
        else problems.push(`${rel}: cannot tell which keys \`${template}\` makes; list them in DYNAMIC_KEYS`);
      }
      for (const key of keys) {
        used.add(key);
        const home = partsOf(key);
        if (!home.some((part) => allowed.includes(part))) {
          problems.push(`${rel} (${where}) uses ${key}, which is in ${home.join(', ') || 'no part'}`);
        }
      }
    };
    for (const file of first) check(file, ['core'], 'first load');
    for (const [file, inAreas] of areas) {
      for (const area of inAreas) check(file, ['core', ...AREA_TEXTS[area]], `${area} area`);
    }
    expect(problems).toEqual([]);
    // No word sits in a dictionary that no page can show (a plural counts through its base key).
    const unused = [...known].filter((key) => !used.has(key) && !used.has(key.replace(PLURAL, '')));
    expect(unused).toEqual([]);
  });

  it('finds every key written as t("…") in some part (a typo shows as a missing text)', () => {
    const problems: string[] = [];
    for (const file of allSourceFiles(web)) {
      for (const m of read(file).matchAll(/\bt\(\s*'([^']+)'|i18nKey="([^"]+)"/g)) {
        const key = m[1] ?? m[2] ?? '';
        if (!known.has(key)) problems.push(`${path.relative(repo, file)}: ${key}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('keysUsedIn', () => {
  const keys = new Set(['a.title', 'a.body', 'b.kind.x', 'b.kind.y', 'c.count', 'd.title', 'd.body']);
  // biome-ignore-start lint/suspicious/noTemplateCurlyInString: source text, as the scanner reads it
  const source = {
    kind: 't(`b.kind.${k}`)',
    texts: "type T = 'a' | 'd'; t(`${texts}.title`)",
    sort: 't(`b.sort.${k}`)',
    ids: '`${id}-hint` `${whole}.${frac}` `${a} ${b}.`',
    nested: "t(`${a ? `${t('a.body')} ` : ''}`)",
  };
  // biome-ignore-end lint/suspicious/noTemplateCurlyInString: source text, as the scanner reads it

  it('takes literals that are keys, wherever they are written, but not in comments', () => {
    const found = keysUsedIn(
      `t('a.title'); const e = { key: "a.body" }; 'a.other' // don't t('d.title')`,
      keys,
    );
    expect(found.keys).toEqual(new Set(['a.title', 'a.body']));
  });

  it('expands templates, taking a leading interpolation from the module’s own literals', () => {
    expect(keysUsedIn(source.kind, keys).keys).toEqual(new Set(['b.kind.x', 'b.kind.y']));
    expect(keysUsedIn(source.texts, keys).keys).toEqual(new Set(['a.title', 'd.title']));
    expect(keysUsedIn(source.nested, keys).keys).toEqual(new Set(['a.body']));
  });

  it('reports a key-like template that makes no key, and ignores ids and sentences', () => {
    expect(keysUsedIn(source.sort, keys).unresolved).toEqual([source.sort.slice(3, -2)]);
    expect(keysUsedIn(source.ids, keys)).toEqual({ keys: new Set(), unresolved: [] });
  });

  it('follows runtime imports only', () => {
    const imports = [
      "import type { A } from './a';",
      "import { B, type C } from './b';",
      "export { D } from './d';",
      "import './e.css';",
      'export function f() { return 1; }',
      "const g = 'from';",
    ];
    expect(staticImports(imports.join('\n'))).toEqual(['./b', './d', './e.css']);
  });
});
