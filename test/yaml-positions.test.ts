import { describe, expect, it } from 'vitest';
import { parseJson } from '../src/sources/json-positions.js';
import { child, entries, isMap, isScalar, isSeq, keptPairs, mapSize, onlyPair, pairOf, parseYaml, spanOf, toPlain, type YMap, type YNode } from '../src/sources/yaml-positions.js';

const pos = (doc: ReturnType<typeof parseYaml>, n: YNode) => spanOf(doc, n.start, n.end);

describe('parseYaml', () => {
  it('keeps the position of every value, quotes included', () => {
    const doc = parseYaml('t.yaml', "a:\n  b: \"'*'\"\n  c: [1, x]\n");
    const b = child(child(doc.root, 'a'), 'b')!;
    expect(isScalar(b) && b.text).toBe("'*'");
    expect(pos(doc, b)).toMatchObject({ line: 2, column: 6, endLine: 2, endColumn: 11 });
    const c = child(child(doc.root, 'a'), 'c')!;
    expect(isSeq(c) && c.items.map((i) => (isScalar(i) ? i.value : null))).toEqual([1, 'x']);
  });

  it.each([
    ['!Ref Api', 'Ref'],
    ['!Sub "x-${A}"', 'Fn::Sub'],
    ['!GetAtt Api.RootResourceId', 'Fn::GetAtt'],
    ['!Join [",", [a, b]]', 'Fn::Join'],
    ['!If [C, a, b]', 'Fn::If'],
    ['!Select [0, [a]]', 'Fn::Select'],
    ['!Split [",", "a,b"]', 'Fn::Split'],
    ['!FindInMap [M, a, b]', 'Fn::FindInMap'],
    ['!ImportValue x', 'Fn::ImportValue'],
    ['!Base64 x', 'Fn::Base64'],
    ['!Cidr [a, 1, 2]', 'Fn::Cidr'],
    ['!Equals [a, b]', 'Fn::Equals'],
    ['!And [!Condition A, !Condition B]', 'Fn::And'],
    ['!Or [!Condition A, !Condition B]', 'Fn::Or'],
    ['!Not [!Condition A]', 'Fn::Not'],
    ['!Condition A', 'Condition'],
    ['!GetAZs ""', 'Fn::GetAZs'],
    ['!Transform {Name: x}', 'Fn::Transform'],
  ])('turns the short form %s into its long form %s, the key positioned at the tag', (src, key) => {
    const doc = parseYaml('t.yaml', `v: ${src}\n`);
    const v = child(doc.root, 'v') as YMap;
    expect(isMap(v)).toBe(true);
    const pair = v.byKey.get(key)!;
    expect(pair).toBeDefined();
    expect(spanOf(doc, pair.keyStart, pair.keyEnd)).toMatchObject({ line: 1, column: 4 });
  });

  it('gives a short form the same one-pair map whichever accessor reads it', () => {
    const doc = parseYaml('t.yaml', 'v: !Ref Api\nw: !If [C, !Ref A, b]\n');
    const v = child(doc.root, 'v') as YMap;
    expect(v.shortForm).toBe('!Ref');
    const pair = onlyPair(v)!;
    expect(pair.key).toBe('Ref');
    expect(isScalar(pair.value) && pair.value.text).toBe('Api');
    expect(spanOf(doc, pair.keyStart, pair.keyEnd)).toMatchObject({ line: 1, column: 4, endColumn: 8 });
    expect(spanOf(doc, v.start, v.end)).toMatchObject({ line: 1, column: 4, endColumn: 12 });
    expect(pairOf(v, 'Ref')).toBe(pair);
    expect(pairOf(v, 'Fn::If')).toBeUndefined();
    expect(mapSize(v)).toBe(1);
    expect(v.pairs).toEqual([pair]);
    expect(v.pairs).toBe(v.pairs);
    expect(keptPairs(v)).toEqual([pair]);
    expect(entries(v)).toEqual([pair]);
    expect([...v.byKey.keys()]).toEqual(['Ref']);
    expect(toPlain(doc.root ?? undefined)).toEqual({ v: { Ref: 'Api' }, w: { 'Fn::If': ['C', { Ref: 'A' }, 'b'] } });
  });

  it('wraps block sequences and mappings carrying a short-form tag', () => {
    const doc = parseYaml('t.yaml', 'v: !Sub\n  - "${A}"\n  - A: b\n');
    const sub = child(child(doc.root, 'v'), 'Fn::Sub');
    expect(isSeq(sub) && sub.items.length).toBe(2);
  });

  it('reports duplicate keys at the second key and keeps the last value', () => {
    const doc = parseYaml('t.yaml', 'a: 1\nb: 2\na: 3\n');
    expect(doc.diagnostics).toHaveLength(1);
    expect(doc.diagnostics[0]).toMatchObject({ ruleId: 'parse-error', span: { line: 3, column: 1 } });
    expect(doc.diagnostics[0]!.message).toMatch(/Duplicate key "a" \(first defined on line 1\)/);
    const a = child(doc.root, 'a');
    expect(isScalar(a) && a.value).toBe(3);
  });

  it('reports syntax errors at their position, fatally, without throwing', () => {
    const doc = parseYaml('t.yaml', 'a:\n  b: [1, 2\nc: d\n');
    expect(doc.root).toBeNull();
    expect(doc.diagnostics[0]).toMatchObject({ ruleId: 'parse-error', fatal: true });
    expect(doc.diagnostics[0]!.span.line).toBeGreaterThanOrEqual(2);
  });

  it('bounds alias expansion (billion laughs) with a finding', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const doc = parseYaml('bomb.yaml', lines.join('\n') + '\n');
    expect(doc.diagnostics.some((d) => /alias bomb/.test(d.message))).toBe(true);
    expect(doc.root).toBeNull();
  });

  it('resolves aliases to the anchored node and merges `<<` keys', () => {
    const doc = parseYaml('t.yaml', 'base: &b {x: 1}\nuse: *b\nm:\n  <<: *b\n  y: 2\n');
    expect(child(doc.root, 'use')).toBe(child(doc.root, 'base'));
    const m = child(doc.root, 'm') as YMap;
    expect([...m.byKey.keys()].sort()).toEqual(['x', 'y']);
  });

  it('accepts under-indented continuation lines inside flow collections, as CloudFormation does', () => {
    const text = 'a:\n  b: { "Fn::Sub": "one \\\n  two" }\n  c: 1\n';
    const doc = parseYaml('t.yaml', text);
    expect(doc.diagnostics).toEqual([]);
    const c = child(child(doc.root, 'a'), 'c')!;
    expect(pos(doc, c)).toMatchObject({ line: 4, column: 6 });
    const sub = child(child(child(doc.root, 'a'), 'b'), 'Fn::Sub');
    expect(isScalar(sub) && sub.text).toBe('one two');
  });

  it('keeps leading-zero numbers and version dates as strings', () => {
    const doc = parseYaml('t.yaml', 'a: 0123\nb: 2010-09-09\nc: "200"\nd: 200\n');
    expect(['a', 'b', 'c', 'd'].map((k) => (child(doc.root, k) as { value: unknown }).value)).toEqual(['0123', '2010-09-09', '200', 200]);
  });
});

describe('parseJson', () => {
  it('keeps positions and reports duplicate keys', () => {
    const doc = parseJson('t.json', '{\n  "a": "\'*\'",\n  "a": 2\n}');
    expect(doc.diagnostics[0]).toMatchObject({ ruleId: 'parse-error', span: { line: 3, column: 3 }, fatal: false });
    const a = child(doc.root, 'a')!;
    expect(spanOf(doc, a.start, a.end)).toMatchObject({ line: 3, column: 8 });
  });

  it('reports syntax errors fatally at their position', () => {
    const doc = parseJson('t.json', '{\n  "a": [1,\n}');
    expect(doc.root).toBeNull();
    expect(doc.diagnostics[0]).toMatchObject({ ruleId: 'parse-error', fatal: true, span: { line: 3 } });
  });

  it('reports nesting deeper than it reads at the bracket, instead of overflowing the stack', () => {
    const deep = (n: number, head = '') => `${head}{"a": ${'['.repeat(n)}${']'.repeat(n)}}`;
    expect(parseJson('ok.json', deep(900)).diagnostics).toEqual([]);
    const strict = parseJson('deep.json', deep(20000));
    expect(strict.root).toBeNull();
    expect(strict.diagnostics).toEqual([expect.objectContaining({ ruleId: 'parse-error', fatal: true, message: 'JSON syntax error: nesting deeper than 1000 levels', span: expect.objectContaining({ line: 1, column: 1007 }) })]);
    // a comment sends the text to jsonc-parser, which recurses
    const loose = parseJson('loose.json', deep(20000, '// c\n'));
    expect(loose.diagnostics).toEqual([expect.objectContaining({ ruleId: 'parse-error', fatal: true })]);
  });
});
