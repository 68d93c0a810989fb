/**
 * Terraform's JSON syntax (`*.tf.json`; CDK for Terraform writes `cdk.tf.json`) read into the
 * syntax tree of the native syntax (hcl.ts), so one module, one evaluator and one mapping serve
 * both. As Terraform's JSON rules say: the top-level keys are block types with their labels as
 * nested keys (`resource` → type → name → body), a body may be an object or an array of them,
 * `"//"` keys are comments, and every string value is a template (`"${var.origin}"`).
 *
 * Whether a nested property is an argument or a nested block depends on the provider's schema,
 * which corslint does not carry: an object (or an array of objects) is offered as both, an
 * argument holding an object and nested blocks, and the mapping reads the one it expects
 * (`response_parameters` as an argument, `cors_configuration` as a block).
 */
import { parseJson } from '../json-positions.js';
import { entries, isMap, isSeq, LineIndex, type YMap, type YNode, type YPair } from '../yaml-positions.js';
import type { SourceDiagnostic } from '../../model/types.js';
import { parseQuotedTemplate, type Attribute, type Block, type BodyItem, type Expr, type HclError, type HclFile, type Label } from './hcl.js';

/** Top-level block types and how many labels each has (the nested keys that name it). */
const LABELS: Record<string, number> = { resource: 2, data: 2, module: 1, provider: 1, variable: 1, output: 1, locals: 0, terraform: 0, moved: 0, import: 0, check: 1, removed: 0 };

const COMMENT = '//';

export function parseHclJson(file: string, text: string): HclFile {
  return guarded(file, text, read);
}

/**
 * A `.tfvars.json` file: one object of variable values, read as the attributes of a `.tfvars`
 * file. Its strings are values, not templates (Terraform evaluates no expressions there).
 */
export function parseTfvarsJson(file: string, text: string): HclFile {
  return guarded(file, text, (f, t) => {
    const doc = parseJson(f, t);
    const out: HclFile = { file: f, text: t, lines: doc.lines, body: [] };
    const error = doc.diagnostics.find((d) => d.fatal);
    if (error) out.error = jsonError(error);
    else if (!isMap(doc.root)) out.error = { message: 'A .tfvars.json file holds one object of variable values', start: doc.root?.start ?? 0, end: doc.root?.end ?? 0 };
    else out.body = new Reader(t, false).attributes(doc.root);
    return out;
  });
}

function guarded(file: string, text: string, reader: (file: string, text: string) => HclFile): HclFile {
  try {
    return reader(file, text);
  } catch (err) {
    // jsonc-parser and the walk below recurse: a text nested thousands deep ends here
    if (!(err instanceof RangeError)) throw err;
    return { file, text, lines: new LineIndex(text), body: [], error: { message: 'The file nests too deeply to be read', start: 0, end: 0 } };
  }
}

function read(file: string, text: string): HclFile {
  const doc = parseJson(file, text);
  const out: HclFile = { file, text, lines: doc.lines, body: [] };
  const error = doc.diagnostics.find((d) => d.fatal);
  if (error) {
    out.error = jsonError(error);
    return out;
  }
  const reader = new Reader(text, true);
  if (!isMap(doc.root)) {
    out.error = { message: 'A Terraform JSON file holds one object of block types (resource, variable, locals, ...)', start: doc.root?.start ?? 0, end: doc.root?.end ?? 0 };
    return out;
  }
  for (const p of entries(doc.root)) {
    if (p.key === COMMENT) continue;
    const labels = LABELS[p.key];
    if (labels === undefined) continue;
    reader.blocks(p.key, { value: p.key, start: p.keyStart, end: p.keyEnd }, p.value, labels, [], out.body);
  }
  return out;
}

function jsonError(d: SourceDiagnostic): HclError {
  return { message: `${d.message.replace(/^JSON syntax error: /, '')} (JSON syntax)`, start: d.span.offset ?? 0, end: d.span.endOffset ?? d.span.offset ?? 0 };
}

class Reader {
  /** `templates`: strings are HCL templates (module code), else plain values (tfvars) */
  constructor(
    private readonly text: string,
    private readonly templates: boolean,
  ) {}

  /** An object's properties as attributes. */
  attributes(m: YMap): BodyItem[] {
    const out: BodyItem[] = [];
    for (const p of entries(m)) if (p.key !== COMMENT) out.push(this.attribute(p));
    return out;
  }

  attribute(p: YPair): Attribute {
    return { type: 'attribute', name: p.key, nameStart: p.keyStart, nameEnd: p.keyEnd, value: this.expr(p.value), start: p.keyStart, end: p.value.end };
  }

  /** Blocks of `type` under `node`: `labels` more levels of keys, then a body object (or an array of them). */
  blocks(type: string, typeAt: Label, node: YNode, labels: number, named: Label[], out: BodyItem[]): void {
    if (labels > 0) {
      if (!isMap(node)) return;
      for (const p of entries(node)) {
        if (p.key === COMMENT) continue;
        this.blocks(type, typeAt, p.value, labels - 1, [...named, { value: p.key, start: p.keyStart, end: p.keyEnd }], out);
      }
      return;
    }
    for (const body of isSeq(node) ? node.items : [node]) {
      if (!isMap(body)) continue;
      out.push(this.block(type, typeAt, named, body));
    }
  }

  block(type: string, typeAt: Label, labels: Label[], body: YMap): Block {
    return { type: 'block', blockType: type, typeStart: typeAt.start, typeEnd: typeAt.end, labels, body: this.body(body), start: typeAt.start, end: body.end };
  }

  body(m: YMap): BodyItem[] {
    const out: BodyItem[] = [];
    for (const p of entries(m)) {
      if (p.key === COMMENT) continue;
      const name: Label = { value: p.key, start: p.keyStart, end: p.keyEnd };
      if (p.key === 'dynamic') {
        // `"dynamic": { "cors_rule": { "for_each": ..., "content": { ... } } }`: one label, the block type it makes
        this.blocks('dynamic', name, p.value, 1, [], out);
        continue;
      }
      out.push(this.attribute(p));
      // an object, or an array of objects only, may also be nested blocks (see the file comment)
      const items = isSeq(p.value) ? p.value.items : [p.value];
      if (items.length > 0 && items.every(isMap)) for (const b of items) out.push(this.block(p.key, name, [], b as YMap));
    }
    return out;
  }

  expr(n: YNode): Expr {
    if (isMap(n)) {
      return {
        kind: 'object',
        items: entries(n)
          .filter((p) => p.key !== COMMENT)
          .map((p) => ({ key: { kind: 'string', value: p.key, start: p.keyStart, end: p.keyEnd }, value: this.expr(p.value), start: p.keyStart, end: p.value.end })),
        start: n.start,
        end: n.end,
      };
    }
    if (isSeq(n)) return { kind: 'tuple', items: n.items.map((i) => this.expr(i)), start: n.start, end: n.end };
    const { start, end } = n;
    if (n.value === null) return { kind: 'null', start, end };
    if (typeof n.value === 'number') return { kind: 'number', value: n.value, start, end };
    if (typeof n.value === 'boolean') return { kind: 'bool', value: n.value, start, end };
    return (this.templates && this.text[start] === '"' ? parseQuotedTemplate(this.text, start) : undefined) ?? { kind: 'string', value: n.text, start, end };
  }
}
