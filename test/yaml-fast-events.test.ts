/**
 * The fast YAML reader must give exactly js-yaml's events (hence the same positioned tree) for
 * every text it accepts, and give up on the rest. Compared on the repository's YAML, on
 * generated templates in many layouts, and on mutated texts (where js-yaml often fails: the fast
 * reader must then have given up too).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFastYaml } from '../src/sources/yaml-fast-events.js';
import { parseJson } from '../src/sources/json-positions.js';
import { parseYaml, type YamlSink } from '../src/sources/yaml-positions.js';

const benchGenerator = '../bench/gen-cloudformation.mjs';
const { generateCloudFormationYaml, generateCloudFormationJson: generateCloudFormationJsonText } = (await import(benchGenerator)) as {
  generateCloudFormationYaml: (resources: number) => string;
  generateCloudFormationJson: (resources: number) => string;
};

const root = join(import.meta.dirname, '..');

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** Both readers' trees (and diagnostics); `accepted` tells whether the fast reader read the text. */
function compare(text: string) {
  const fast = parseYaml('t.yaml', text);
  const slow = parseYaml('t.yaml', text, { reader: 'js-yaml' });
  expect(fast.diagnostics).toEqual(slow.diagnostics);
  expect(fast.root).toEqual(slow.root);
  const ignore: YamlSink = { document() {}, scalar() {}, key() {}, plain() {}, collection() {}, alias() {}, pop() {}, aborted: false };
  return readFastYaml(text, ignore);
}

describe('fast YAML reader', () => {
  it('reads the repository YAML exactly like js-yaml', () => {
    const files = [...yamlFiles(join(root, 'fixtures')), ...yamlFiles(join(root, 'test')), ...yamlFiles(join(root, 'examples'))];
    expect(files.length).toBeGreaterThan(10);
    let accepted = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      try {
        if (compare(text)) accepted++;
      } catch (err) {
        throw new Error(`${f}: ${(err as Error).message}`);
      }
    }
    // most real templates are within the fast subset
    expect(accepted / files.length).toBeGreaterThan(0.6);
  });

  it('reads a generated template exactly like js-yaml', () => {
    const text = generateCloudFormationYaml(30);
    expect(compare(text)).toBe(true);
  });

  it.each([
    ['a: 1\nb:\n  - x\n  - y: 2\n    z: [1, "2", {k: v}]\n', true],
    ['# c\n---\na: !Ref B # c\nb: !GetAtt [A, B]\nc: !If\n  - C\n  - !Ref X\n  - x\n', true],
    ['a:\n- 1\n- 2\nb: |\n  line\n\n  two\nc: >-\n    folded\n    text\n\nd: ok\n', true],
    ["a: 'it''s'\nb: \"tab\\tx\\u00e9\"\nc:\nd: ~\ne: 0123\nf: 1.5\ng: true\n", true],
    ['a:\n  [1,\n   2]\nb: {x: [1, 2],\n  y: z}\n', true],
    ['a: b\n  c\n', false], // a multi-line plain scalar
    ['k:\n  a: x\n   y\n', false], // continuation exactly one column deeper than the key
    ['k:\n  a: x\n  y: 1\n', true],
    ['k:\n  - x\n   y\n', false],
    ['k:\n  - x\n  - y\n', true],
    ['k:\n  a: x\n     # comment\n  b: 1\n', true], // js-yaml ends the scalar at the comment
    ['k:\n  a: |\n    x\n  # c\n  b: 1\n', true],
    ['k:\n  a: |2\n     x\n    y\n  b: >+\n   z\n\n', true],
    ['k:\n  - a: 1\n    b:\n    - 2\n  - c\n', true],
    ['j:\n  Fn::Join:\n    - ""\n    - - http://\n      - !Ref A\n    - x\n', true], // a sequence in a sequence item
    ['j:\n  - - a\n    - b\n  -   - c\n', true],
    ['p:\n  Policy:\n    !Sub |\n      {"a": "${B}"}\n  Next: 1\n', true], // a tag alone on the value line
    ['p:\n  Policy:\n    |\n      text\n', true],
    ['p:\n  Policy:\n    !Sub\n      x\n', false],
    ['p:\n  - !Ref A\n  -\n    !Ref B\n', true],
    ['a: &x 1\nb: *x\n', false],
    ['a: "x\n  y"\n', true], // a quoted scalar folded over lines
    ['a: "x\ny"\n', false], // under-indented continuation: js-yaml's error
    ["k:\n  a: 'x\n\n    y'' z'\n  b: \"p\\\n    q\"\n", true],
    ['k:\n  a: [ "x\n   y", b]\n', true],
    ['k:\n  a: [ "x\n  y", b]\n', false],
    ['a: 1\n---\nb: 2\n', false],
    ['? a\n: b\n', false],
    ['a: 1\n\tb: 2\n', false],
    ['a: b: c\n', false],
    ['a: 1\n: x\n', false], // an empty key
    ['a: [x, :y]\nb: :z\n', true],
    ['a:\n  b: 1\n   c: 2\n', false],
    ['a: "x \ud83d\ude00"\nb: \u00e9t\u00e9\nc: true\nd: Null\ne: nope\nf: FALSE\n', true], // a surrogate pair, two-byte text, letter-initial plain scalars
    ['a: "x \ud83d y"\n', false], // a lone high surrogate: js-yaml reports it
    ['a: x\udc00\n', false], // a lone low surrogate
    ['a: x\u0084y\n', false], // a forbidden control character
    ['a: 1\nb: x\n   ', true], // a last line of spaces without a line break
    ['a: 1\n  # c\n\n   \n', true],
    ['a:\n  b: x\n\n     y\n  c: 1\n', false], // a plain scalar continued after a blank line
    ['a:\n  - x\n  # c\n    y\n', false], // continued after a comment line: js-yaml's error
    ['a: x # c\n  y\n', false],
    ['# only\n---\na: 1\n', true],
    ['  # c\n---\na: 1\n', true],
    ['a: 1\n --- \n', false],
    ['---\na: 1\n---\nb: 2\n', false], // a second document
    ['a: 1\n...\n', false],
    ['...\na: 1\n', false],
    ['--- # c\na: 1\n', true],
    ['a: |\n  x\n---\nb: 1\n', false], // a marker ending a block scalar
    ['a:\n- x\n---\n', false], // a marker after a sequence at column 0
    ['a: "x\n---"\n', false], // a marker inside a quoted scalar: js-yaml's error
    ['---x: 1\na: ---\nb: ... c\n', true], // not markers
    ['--- a: 1\n', false],
    ['a: \u00e9\u00e9\u0085x\n', true], // NEL is allowed, after other non-ASCII text
    ['a: \u00e9\u0085\u0001\n', false], // a control character after other non-ASCII text
    ['a: \u00e9\n\tb: 1\n', false], // a tab after other non-ASCII text
    ['a: x\u0001y\nb: 1\n', false], // a control character in ASCII text
    ['a: x\u007fy\n', false], // DEL in ASCII text
    ['a: x\u001fy\n', false],
    ['a: 1\r\nb: 2\r\n', false], // CR line ends
    ['a: 1\nb: "x\ty"\n', false], // a tab inside a quoted scalar
    ['a: x~y ~\nb: " !~"\n', true], // printable ASCII up to the tilde
  ])('%j (fast reader reads it: %s)', (text, accepted) => {
    expect(compare(text)).toBe(accepted);
  });

  // A small YAML printer with layout choices, over random template-like trees.
  type T = string | number | boolean | null | T[] | { [k: string]: T } | { tag: string; v: T };
  const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9:._/-]{0,12}$/);
  const scalar = fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9 ,.:#'"*/{}[\]$!&@|>-]{0,14}$/),
    fc.integer(),
    fc.constantFrom(true, false, null, '', '0123', '1.5', 'no', '~'),
  );
  const tree: fc.Arbitrary<T> = fc.letrec<{ t: T }>((tie) => ({
    t: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(tie('t'), { maxLength: 4 }),
      fc.dictionary(key, tie('t'), { maxKeys: 4 }),
      fc.record({ tag: fc.constantFrom('!Ref', '!Sub', '!GetAtt', '!If', '!Join'), v: tie('t') }),
    ),
  })).t;
  const style = fc.record({
    indent: fc.integer({ min: 1, max: 4 }),
    flowAt: fc.integer({ min: 0, max: 6 }),
    quote: fc.constantFrom('plain', 'single', 'double'),
    comments: fc.boolean(),
    indentless: fc.boolean(),
    blockScalars: fc.boolean(),
    multilineFlow: fc.boolean(),
  });
  type Style = typeof style extends fc.Arbitrary<infer S> ? S : never;

  function str(s: string, st: Style, inFlow: boolean): string {
    if (st.blockScalars && !inFlow && s.includes(' ') && !/^\s|\s$/.test(s)) return null as unknown as string; // handled by caller
    if (st.quote === 'single' || /^[\s!&*|>'"%@`#,[\]{}?-]|: |:$| #|^$|^(true|false|null|~|[-+]?[0-9.]+.*|no)$/i.test(s) || (inFlow && /[,[\]{}]/.test(s)))
      return st.quote === 'double' ? JSON.stringify(s) : `'${s.replace(/'/g, "''")}'`;
    return st.quote === 'double' ? JSON.stringify(s) : s;
  }
  function flowText(t: T, st: Style, depth: number): string {
    if (t === null || typeof t !== 'object') return typeof t === 'string' ? (str(t, { ...st, blockScalars: false }, true) ?? "''") : String(t);
    if (Array.isArray(t)) return `[${t.map((x) => flowText(x, st, depth + 1)).join(st.multilineFlow ? `,\n${' '.repeat(40)}` : ', ')}]`;
    if ('tag' in t && typeof t.tag === 'string' && Object.keys(t).length === 2 && 'v' in t) {
      const v = t.v as T;
      return `${t.tag} ${v !== null && typeof v === 'object' && !Array.isArray(v) && !('tag' in v) ? flowText(v, st, depth + 1) : flowText(Array.isArray(v) ? v : [v], st, depth + 1)}`;
    }
    return `{${Object.entries(t).map(([k, v]) => `${k}: ${flowText(v as T, st, depth + 1)}`).join(', ')}}`;
  }
  /** Text after `key:` or `-` (starting with a space or a newline). */
  function block(t: T, st: Style, col: number, depth: number): string {
    const pad = ' '.repeat(col + st.indent);
    if (t === null || typeof t !== 'object') {
      if (typeof t === 'string') {
        const s = str(t, st, false);
        if (s === null) return ` |\n${pad}${t}\n`;
        return ` ${s}${st.comments ? ' # c' : ''}\n`;
      }
      return ` ${String(t)}\n`;
    }
    if (depth >= st.flowAt) return ` ${flowText(t, st, depth)}\n`;
    if (Array.isArray(t)) {
      if (t.length === 0) return ' []\n';
      const c = st.indentless ? col : col + st.indent;
      return '\n' + t.map((x) => `${' '.repeat(c)}-${block(x, st, c, depth + 1)}`).join('');
    }
    if ('tag' in t && typeof t.tag === 'string' && Object.keys(t).length === 2 && 'v' in t) {
      const v = t.v as T;
      if (v !== null && typeof v === 'object' && !('tag' in v) && (Array.isArray(v) ? v.length : Object.keys(v).length)) return ` ${t.tag}${block(v, { ...st, indentless: false }, col, depth + 1)}`;
      return ` ${t.tag} ${flowText(Array.isArray(v) || (v !== null && typeof v === 'object') ? v : [v], st, depth + 1)}\n`;
    }
    const entries = Object.entries(t);
    if (entries.length === 0) return ' {}\n';
    return (st.comments ? ` # note\n${pad}# full line\n` : '\n') + entries.map(([k, v]) => `${pad}${k}:${block(v as T, st, col + st.indent, depth + 1)}`).join('');
  }

  it('reads generated templates in many layouts like js-yaml', () => {
    let accepted = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 }), style, (doc, st) => {
        const text = Object.entries(doc).map(([k, v]) => `${k}:${block(v, st, 0, 1)}`).join('');
        runs++;
        if (compare(text)) accepted++;
      }),
      { numRuns: 600 },
    );
    expect(accepted / runs).toBeGreaterThan(0.5);
  });

  it('gives up, or agrees with js-yaml, on mutated texts', () => {
    const base = generateCloudFormationYaml(2) + 'Outputs:\n  A: !Sub |\n    x ${A}\n  B: [a, "b", {c: d}]\n  C: "multi\\\n    line \\u00e9"\n  D:\n    - - x\n      - \'y\n        z\'\n';
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\n', ':', '-', '#', "'", '"', '[', ']', '{', '}', ',', '!', '|', '>', 'x', '  ', '\n  ', '- ', ': ', '', '\\', '---', '&a ', '*a')), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        (edits, del) => {
          let text = base;
          for (const [at, s] of edits) {
            const i = at % text.length;
            text = text.slice(0, i) + s + text.slice(i + (del % 3 === 0 ? 1 : 0));
          }
          compare(text);
        },
      ),
      { numRuns: 700 },
    );
  });
});

describe('strict JSON reader', () => {
  const compareJson = (text: string) => {
    const fast = parseJson('t.json', text);
    const slow = parseJson('t.json', text, { reader: 'jsonc' });
    expect(fast.diagnostics).toEqual(slow.diagnostics);
    expect(fast.root).toEqual(slow.root);
  };

  it.each([
    '{"a": 1, "b": [true, false, null, -0.5e3, "x\\"\\u00e9\\n"], "c": {}, "d": [], "a": 2}',
    '{\r\n\t"a" : "b"\r\n}\r\n',
    '{"a": 1,}',
    '{"a": 01}',
    '{"a": 1 // c\n}',
    '{"a": "\u0001"}',
    '{"a": "x\\q"}',
    '{"a": tru}',
    '{"a": 1} x',
    '[1, 2',
    '{"a": 1e400}',
  ])('reads %j like jsonc-parser', (text) => compareJson(text));

  it('reads the repository JSON and a generated template like jsonc-parser', () => {
    const files = (function walk(dir: string, out: string[] = []): string[] {
      for (const name of readdirSync(dir)) {
        if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p, out);
        else if (name.endsWith('.json')) out.push(p);
      }
      return out;
    })(join(root, 'fixtures'));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) compareJson(readFileSync(f, 'utf8'));
    compareJson(JSON.stringify(JSON.parse(generateCloudFormationJsonText(20)), null, 2));
  });

  it('agrees with jsonc-parser on mutated JSON', () => {
    const base = JSON.stringify({ a: [1, -2.5, 'x"y', { b: null, c: true }], d: { e: 'f\u00e9' } }, null, 1);
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('', ',', ' ', '"', '\\', '{', '}', '[', ']', ':', '0', '-', 'e', '/', '\t', 'x'), fc.boolean(), (at, s, del) => {
        const i = at % base.length;
        compareJson(base.slice(0, i) + s + base.slice(i + (del ? 1 : 0)));
      }),
      { numRuns: 500 },
    );
  });
});
