/**
 * One Terraform module (the `.tf` files of one directory given together) and the evaluation of
 * its expressions where the module itself says what they are:
 * - `var.x` is the value a calling module's `module` block gives it, else its value in the tfvars
 *   files Terraform loads by itself (terraform.tfvars, *.auto.tfvars), else the literal `default`
 *   of its `variable` block (a -var flag may override it; without a default it is unknown),
 * - `local.x` is its `locals` entry when that evaluates,
 * - `<type>.<name>.<arg>` is the resource's own argument when it sets one (the joins Terraform
 *   users write: `aws_api_gateway_method.options.http_method`), otherwise a reference the
 *   mapping uses to link resources (`aws_api_gateway_rest_api.api.id`),
 * - a few pure functions over known values (`jsonencode`, `join`, `concat`, `merge`, `lookup`, `format`, `try`, ...),
 *   conditionals on known conditions, `==`/`!=`/`&&`/`||`/`!` on known values.
 * Everything else (data sources, module outputs, other functions, for expressions, template
 * directives, `count.index`, `each.value`) is unknown with the reason, never a guess.
 */
import { basename } from 'node:path';
import type { Attribute, Block, BodyItem, Expr, HclFile, Step } from './hcl.js';

export interface TfFile {
  hcl: HclFile;
  /** offset of this file's text in the module's concatenated text (for the mapping's positions) */
  base: number;
  /** a variable definitions file Terraform loads by itself (terraform.tfvars, *.auto.tfvars), not module code */
  tfvars?: boolean;
}

/** Where a value is written: its expression, or for a variable or local the place that uses it. */
export interface At {
  file: TfFile;
  start: number;
  end: number;
}

export type Val =
  | { k: 'str'; v: string; at: At }
  | { k: 'num'; v: number; at: At }
  | { k: 'bool'; v: boolean; at: At }
  | { k: 'null'; at: At }
  | { k: 'list'; items: Val[]; at: At }
  | { k: 'obj'; items: { key: string; keyAt: At; value: Val }[]; at: At }
  /** an attribute Terraform computes when it creates the resource (`id`, `root_resource_id`, `arn`) */
  | { k: 'ref'; address: string; attr: string; at: At }
  /**
   * `mentions`: resources the unknown value is built from (`"${aws_apigatewayv2_api.x.id}.execute-api..."`);
   * `missing`: the value is an error in Terraform itself (a key or index a known value does not have), which `try` passes over
   */
  | { k: 'unknown'; reason: string; at: At; mentions?: string[]; missing?: true };

/** A `module "name" { source = ... }` block: a call of another module. */
export interface TfModuleCall {
  name: string;
  block: Block;
  file: TfFile;
}

export interface TfResource {
  type: string;
  name: string;
  /** `aws_api_gateway_method.options` */
  address: string;
  block: Block;
  file: TfFile;
}

const MAX_DEPTH = 64;

/** Override files (`override.tf`, `api_override.tf`, and their `.tf.json` forms): Terraform merges their blocks into the other files'. */
const OVERRIDE_FILE = /(?:^|[\\/])(?:override|[^\\/]*_override)\.tf(?:\.json)?$/;

export function isOverrideFile(path: string): boolean {
  return OVERRIDE_FILE.test(path);
}

/** A nested block's kind for override merging: `dynamic "cors_rule"` is a `cors_rule` block. */
function blockKind(b: Block): string {
  return b.blockType === 'dynamic' && b.labels.length === 1 ? b.labels[0]!.value : b.blockType;
}

function attrOf(body: BodyItem[], name: string): Attribute | undefined {
  for (const i of body) if (i.type === 'attribute' && i.name === name) return i;
  return undefined;
}

export class TfModule {
  readonly resources = new Map<string, TfResource>();
  /** `data.<type>.<name>` blocks */
  readonly data = new Map<string, TfResource>();
  /** the `module` blocks, in file order */
  readonly calls: TfModuleCall[] = [];
  private readonly variables = new Map<string, { block: Block; file: TfFile } | null>();
  /** values of the tfvars files, the later file's winning (the files come in Terraform's order) */
  private readonly assigned = new Map<string, { attr: Attribute; file: TfFile }>();
  private readonly locals = new Map<string, { attr: Attribute; file: TfFile } | null>();
  private readonly evaluating = new Set<string>();
  private readonly cache = new Map<string, Val>();
  /** `each.key`/`each.value` of the resource instance being read (see `withEach`) */
  private each: { key: Val; value: Val } | undefined;
  /** the file of each item (and attribute value) an override file merged into a block of another file (none without override files) */
  private overridden: WeakMap<object, TfFile> | undefined;

  /**
   * `dataId(type, name)`: the id a `data` source yields when its arguments determine it (a
   * managed CloudFront policy looked up by name). `inputs`: the values a calling module's
   * `module` block gives this module's variables (a child module reads no tfvars of its own).
   */
  constructor(
    readonly files: TfFile[],
    private readonly dataId: (type: string, name: string) => string | undefined = () => undefined,
    private readonly inputs?: ReadonlyMap<string, Val>,
  ) {
    const overrides: TfFile[] = [];
    for (const file of files) {
      if (file.tfvars) {
        for (const item of file.hcl.body) if (item.type === 'attribute') this.assigned.set(item.name, { attr: item, file });
        continue;
      }
      if (isOverrideFile(file.hcl.file)) {
        overrides.push(file);
        continue;
      }
      for (const item of file.hcl.body) {
        if (item.type !== 'block') continue;
        const [a, b] = item.labels;
        if (item.blockType === 'resource' && a && b && item.labels.length === 2) {
          const address = `${a.value}.${b.value}`;
          // Terraform rejects a duplicate address; keep the first and read nothing from the second.
          if (!this.resources.has(address)) this.resources.set(address, { type: a.value, name: b.value, address, block: item, file });
        } else if (item.blockType === 'data' && a && b && item.labels.length === 2) {
          const address = `data.${a.value}.${b.value}`;
          if (!this.data.has(address)) this.data.set(address, { type: a.value, name: b.value, address, block: item, file });
        } else if (item.blockType === 'variable' && a && item.labels.length === 1) {
          // A name declared twice is ambiguous (Terraform rejects it): unknown.
          this.variables.set(a.value, this.variables.has(a.value) ? null : { block: item, file });
        } else if (item.blockType === 'module' && a && item.labels.length === 1) {
          this.calls.push({ name: a.value, block: item, file });
        } else if (item.blockType === 'locals') {
          for (const l of item.body) {
            if (l.type !== 'attribute') continue;
            this.locals.set(l.name, this.locals.has(l.name) ? null : { attr: l, file });
          }
        }
      }
    }
    // Terraform reads the override files last, in the order of their names.
    overrides.sort((a, b) => (basename(a.hcl.file) < basename(b.hcl.file) ? -1 : basename(a.hcl.file) > basename(b.hcl.file) ? 1 : 0));
    for (const file of overrides) for (const item of file.hcl.body) if (item.type === 'block') this.override(item, file);
  }

  /**
   * Merges a block of an override file into the block it overrides, as Terraform does: an argument
   * replaces the argument of that name, nested blocks of a kind replace all the original's blocks
   * of that kind, a `locals` entry replaces the value of that name. A block that overrides nothing
   * is left out (Terraform rejects it). Outputs, providers and `terraform` blocks are not read.
   */
  private override(item: Block, file: TfFile): void {
    const [a, b] = item.labels;
    if ((item.blockType === 'resource' || item.blockType === 'data') && a && b && item.labels.length === 2) {
      const map = item.blockType === 'resource' ? this.resources : this.data;
      const base = map.get(item.blockType === 'resource' ? `${a.value}.${b.value}` : `data.${a.value}.${b.value}`);
      if (base) base.block = this.merged(base.block, item, file);
    } else if (item.blockType === 'variable' && a && item.labels.length === 1) {
      const base = this.variables.get(a.value);
      if (base) base.block = this.merged(base.block, item, file);
    } else if (item.blockType === 'module' && a && item.labels.length === 1) {
      for (const call of this.calls) if (call.name === a.value) call.block = this.merged(call.block, item, file);
    } else if (item.blockType === 'locals') {
      for (const l of item.body) {
        if (l.type !== 'attribute' || !this.locals.has(l.name)) continue;
        this.locals.set(l.name, { attr: l, file });
      }
    }
  }

  private merged(base: Block, over: Block, file: TfFile): Block {
    this.markFrom(over.body, file);
    const kinds = new Set<string>();
    for (const i of over.body) if (i.type === 'block') kinds.add(blockKind(i));
    const body: BodyItem[] = [];
    for (const i of base.body) {
      if (i.type === 'attribute') body.push(attrOf(over.body, i.name) ?? i);
      else if (!kinds.has(blockKind(i))) body.push(i);
    }
    for (const i of over.body) if (i.type === 'block' || !attrOf(base.body, i.name)) body.push(i);
    return { ...base, body };
  }

  /** Records the file of items merged in from an override file (and of everything in them). */
  private markFrom(items: BodyItem[], file: TfFile): void {
    const overridden = (this.overridden ??= new WeakMap());
    for (const i of items) {
      overridden.set(i, file);
      if (i.type === 'attribute') overridden.set(i.value, file);
      else this.markFrom(i.body, file);
    }
  }

  /** The file an item of `owner`'s block is written in: `owner`'s, unless an override file merged it in. */
  fileOf(item: object, owner: TfFile): TfFile {
    // (every position and value of the mapping asks: without override files, no lookup)
    return this.overridden === undefined ? owner : (this.overridden.get(item) ?? owner);
  }

  /** Evaluates `fn` for one `for_each` instance: `each.key` and `each.value` are known there. */
  withEach<T>(each: { key: Val; value: Val }, fn: () => T): T {
    const saved = this.each;
    this.each = each;
    try {
      return fn();
    } finally {
      this.each = saved;
    }
  }

  /** The instances a known `for_each` creates (keys and values); undefined when it is unknown. */
  instances(r: TfResource): { key: Val; value: Val }[] | undefined {
    const fe = attrOf(r.block.body, 'for_each');
    if (!fe) return undefined;
    const v = this.eval(fe.value, this.fileOf(fe, r.file));
    if (v.k === 'list') return v.items.map((i) => ({ key: i, value: i }));
    if (v.k === 'obj') return v.items.map((i) => ({ key: { k: 'str', v: i.key, at: i.keyAt }, value: i.value }));
    return undefined;
  }

  ofType(type: string): TfResource[] {
    return [...this.resources.values()].filter((r) => r.type === type);
  }

  /** Evaluates an expression of `file`. */
  eval(e: Expr, file: TfFile, depth = 0): Val {
    const at: At = { file, start: e.start, end: e.end };
    if (depth > MAX_DEPTH) return { k: 'unknown', reason: 'the expression nests too deeply', at };
    switch (e.kind) {
      case 'string':
        return { k: 'str', v: e.value, at };
      case 'number':
        return { k: 'num', v: e.value, at };
      case 'bool':
        return { k: 'bool', v: e.value, at };
      case 'null':
        return { k: 'null', at };
      case 'paren':
        return { ...this.eval(e.expr, file, depth + 1), at };
      case 'tuple':
        return { k: 'list', items: e.items.map((i) => this.eval(i, file, depth + 1)), at };
      case 'object': {
        const items: { key: string; keyAt: At; value: Val }[] = [];
        for (const it of e.items) {
          const key = this.eval(it.key, file, depth + 1);
          const ks = scalarText(key);
          if (ks === undefined) return { k: 'unknown', reason: `an object key (${raw(file, it.key)}) ${key.k === 'unknown' ? `depends on ${key.reason}` : 'is not a string'}`, at };
          items.push({ key: ks, keyAt: { file, start: it.key.start, end: it.key.end }, value: this.eval(it.value, file, depth + 1) });
        }
        return { k: 'obj', items, at };
      }
      case 'template':
        return this.template(e, file, depth, at);
      case 'traversal':
        return this.traversal(e, file, depth, at);
      case 'call':
        return this.call(e, file, depth, at);
      case 'conditional': {
        const c = this.eval(e.cond, file, depth + 1);
        if (c.k === 'bool') return { ...this.eval(c.v ? e.then : e.otherwise, file, depth + 1), at };
        return unknown(`the condition ${raw(file, e.cond)} ${c.k === 'unknown' ? `depends on ${c.reason}` : 'is not a known bool'}`, at);
      }
      case 'unary': {
        const v = this.eval(e.operand, file, depth + 1);
        if (e.op === '!' && v.k === 'bool') return { k: 'bool', v: !v.v, at };
        if (e.op === '-' && v.k === 'num') return { k: 'num', v: -v.v, at };
        return unknown(`the expression ${raw(file, e)}`, at);
      }
      case 'binary': {
        const l = this.eval(e.left, file, depth + 1);
        const r = this.eval(e.right, file, depth + 1);
        if (e.op === '&&' && (l.k === 'bool' && !l.v || r.k === 'bool' && !r.v)) return { k: 'bool', v: false, at };
        if (e.op === '||' && (l.k === 'bool' && l.v || r.k === 'bool' && r.v)) return { k: 'bool', v: true, at };
        if ((e.op === '&&' || e.op === '||') && l.k === 'bool' && r.k === 'bool') return { k: 'bool', v: e.op === '&&' ? l.v && r.v : l.v || r.v, at };
        if (e.op === '==' || e.op === '!=') {
          const a = comparable(l);
          const b = comparable(r);
          if (a !== undefined && b !== undefined) return { k: 'bool', v: (a === b) === (e.op === '=='), at };
        }
        return unknown(`the expression ${raw(file, e)}`, at);
      }
      case 'for':
        return unknown(`the for expression ${short(raw(file, e))}`, at);
      case 'postfix':
        return unknown(`the expression ${short(raw(file, e))}`, at);
    }
  }

  private template(e: Expr & { kind: 'template' }, file: TfFile, depth: number, at: At): Val {
    // HCL: a template that is one interpolation and nothing else is that value, not its text
    // (`"${aws_api_gateway_rest_api.api.id}"`, the older style and every reference in JSON syntax)
    const only = e.parts.length === 1 ? e.parts[0]! : undefined;
    if (only?.kind === 'interp' && !e.heredoc) return { ...this.eval(only.expr, file, depth + 1), at };
    let text = '';
    const mentions: string[] = [];
    let reason: string | undefined;
    for (const p of e.parts) {
      if (p.kind === 'text') text += p.value;
      else if (p.kind === 'directive') reason ??= 'a template directive (%{...})';
      else {
        const v = this.eval(p.expr, file, depth + 1);
        const s = scalarText(v);
        if (s !== undefined) text += s;
        else {
          if (v.k === 'ref') mentions.push(v.address);
          else if (v.k === 'unknown' && v.mentions) mentions.push(...v.mentions);
          reason ??= v.k === 'unknown' ? v.reason : v.k === 'ref' ? `${v.address}.${v.attr} (known once Terraform creates it)` : `the interpolation ${raw(file, p.expr)}`;
        }
      }
    }
    if (reason === undefined) return { k: 'str', v: text, at };
    const u: Val = { k: 'unknown', reason: `the string ${short(raw(file, e))} (${reason})`, at };
    if (mentions.length) u.mentions = mentions;
    return u;
  }

  private traversal(e: Expr & { kind: 'traversal' }, file: TfFile, depth: number, at: At): Val {
    const text = short(raw(file, e));
    const [first, ...rest] = e.steps;
    const firstName = first?.kind === 'attr' ? first.name : undefined;
    if (e.root === 'var' || e.root === 'local') {
      if (!firstName) return unknown(text, at);
      const base = e.root === 'var' ? this.variable(firstName, depth) : this.local(firstName, depth);
      return relocate(this.steps(base, rest, file, depth, text), at);
    }
    if (e.root === 'data') {
      const second = rest[0];
      const d = firstName && second?.kind === 'attr' ? this.data.get(`data.${firstName}.${second.name}`) : undefined;
      const attr = rest[1];
      const nameAttr = d ? attrOf(d.block.body, 'name') : undefined;
      if (d && nameAttr && attr?.kind === 'attr' && attr.name === 'id' && rest.length === 2) {
        const n = this.eval(nameAttr.value, this.fileOf(nameAttr, d.file), depth + 1);
        const id = n.k === 'str' ? this.dataId(d.type, n.v) : undefined;
        if (id) return { k: 'str', v: id, at };
      }
      return unknown(`${text} (read from a data source at plan time)`, at);
    }
    if (e.root === 'module') return unknown(`${text} (an output of another module)`, at);
    if (e.root === 'each' && this.each && (firstName === 'key' || firstName === 'value')) {
      return relocate(this.steps(this.each[firstName], rest, file, depth, text), at);
    }
    if (['count', 'each', 'self', 'path', 'terraform'].includes(e.root)) return unknown(text, at);
    // <type>.<name>[index].<attr>
    if (!firstName) return unknown(text, at);
    const address = `${e.root}.${firstName}`;
    const res = this.resources.get(address);
    let i = 0;
    while (rest[i]?.kind === 'index' || rest[i]?.kind === 'splat') i++;
    const attrStep = rest[i];
    if (!res) return unknown(`${text} (${address} is not declared in the files read)`, at);
    if (attrStep?.kind !== 'attr') return unknown(text, at);
    const attr = attrStep.name;
    const arg = attrOf(res.block.body, attr);
    if (arg) {
      const key = `${address}.${attr}`;
      if (this.evaluating.has(key)) return unknown(`${text} (a circular reference)`, at);
      this.evaluating.add(key);
      const saved = this.each;
      this.each = undefined;
      const v = this.eval(arg.value, this.fileOf(arg, res.file), depth + 1);
      this.each = saved;
      this.evaluating.delete(key);
      return relocate(this.steps(v, rest.slice(i + 1), file, depth, text), at);
    }
    if (i + 1 < rest.length) return unknown(text, at);
    return { k: 'ref', address, attr, at };
  }

  /** Applies `.name`/`[key]` steps to a known value. */
  private steps(v: Val, steps: Step[], file: TfFile, depth: number, text: string): Val {
    let cur = v;
    for (const s of steps) {
      if (cur.k === 'unknown') return cur;
      let key: string | number | undefined;
      if (s.kind === 'attr') key = s.name;
      else if (s.kind === 'index') {
        const k = this.eval(s.key, file, depth + 1);
        key = k.k === 'num' ? k.v : scalarText(k);
      }
      if (key === undefined) return unknown(text, cur.at);
      if (cur.k === 'obj') {
        const hit = cur.items.find((x) => x.key === String(key));
        if (!hit) return { k: 'unknown', reason: `${text} (no such key)`, at: cur.at, missing: true };
        cur = hit.value;
      } else if (cur.k === 'list' && typeof key === 'number') {
        const hit = cur.items[key];
        if (!hit) return { k: 'unknown', reason: `${text} (index out of range)`, at: cur.at, missing: true };
        cur = hit;
      } else if (cur.k === 'ref') return unknown(text, cur.at);
      // a step into a string, number, bool or null, or a name into a list: an error in Terraform too
      else return { k: 'unknown', reason: `${text} (no such attribute)`, at: cur.at, missing: true };
    }
    return cur;
  }

  private variable(name: string, depth: number): Val {
    const key = `var.${name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const decl = this.variables.get(name);
    let v: Val;
    const nowhere: At = { file: this.files[0]!, start: 0, end: 0 };
    if (decl === undefined) v = unknown(`var.${name} (no variable block declares it in the files read)`, nowhere);
    else if (decl === null) v = unknown(`var.${name} (declared twice)`, nowhere);
    else {
      // the calling module's argument, else a tfvars file's value, wins over the default (a -var
      // flag could still override a root module's)
      const given = this.inputs?.get(name);
      const set = given ? undefined : this.assigned.get(name);
      const def = attrOf(decl.block.body, 'default');
      if (given) v = given;
      else if (set) v = this.eval(set.attr.value, set.file, depth + 1);
      else v = def ? this.eval(def.value, this.fileOf(def, decl.file), depth + 1) : unknown(`var.${name} (no default: the caller sets it)`, nowhere);
      if (v.k === 'null') v = unknown(`var.${name} (${given ? 'null in the calling module' : `${set ? 'set to null' : 'default null'}: the caller sets it`})`, v.at);
    }
    this.cache.set(key, v);
    return v;
  }

  private local(name: string, depth: number): Val {
    const key = `local.${name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const nowhere: At = { file: this.files[0]!, start: 0, end: 0 };
    const decl = this.locals.get(name);
    if (decl === undefined) return unknown(`local.${name} (not declared in the files read)`, nowhere);
    if (decl === null) return unknown(`local.${name} (declared twice)`, nowhere);
    if (this.evaluating.has(key)) return unknown(`local.${name} (a circular reference)`, nowhere);
    this.evaluating.add(key);
    const v = this.eval(decl.attr.value, decl.file, depth + 1);
    this.evaluating.delete(key);
    this.cache.set(key, v);
    return v;
  }

  private call(e: Expr & { kind: 'call' }, file: TfFile, depth: number, at: At): Val {
    const text = `the function call ${short(raw(file, e))}`;
    if (e.expandFinal) return unknown(text, at);
    if (e.name === 'try') {
      // the first argument that is not an error in Terraform; one the module does not determine is unknown
      for (const arg of e.args) {
        const v = this.eval(arg, file, depth + 1);
        if (v.k !== 'unknown' || !v.missing) return relocate(v, at);
      }
      return unknown(`${text} (no argument evaluates)`, at);
    }
    const args = e.args.map((a) => this.eval(a, file, depth + 1));
    const firstUnknown = args.find((a) => a.k === 'unknown' || a.k === 'ref');
    if (firstUnknown) return unknown(text, at);
    const [a, b] = args;
    switch (e.name) {
      case 'jsonencode': {
        if (args.length !== 1) return unknown(text, at);
        const plain = toPlain(a!);
        return plain === undefined ? unknown(text, at) : { k: 'str', v: JSON.stringify(plain), at };
      }
      case 'join': {
        if (args.length < 2 || a!.k !== 'str') return unknown(text, at);
        const parts: string[] = [];
        for (const l of args.slice(1)) {
          if (l.k !== 'list') return unknown(text, at);
          for (const i of l.items) {
            const s = scalarText(i);
            if (s === undefined) return unknown(text, at);
            parts.push(s);
          }
        }
        return { k: 'str', v: parts.join(a!.v), at };
      }
      case 'concat': {
        const items: Val[] = [];
        for (const l of args) {
          if (l.k !== 'list') return unknown(text, at);
          items.push(...l.items);
        }
        return { k: 'list', items, at };
      }
      case 'tolist':
      case 'toset': {
        if (args.length !== 1 || a!.k !== 'list') return unknown(text, at);
        if (e.name === 'tolist') return { ...a!, at };
        const seen = new Set<string>();
        return { k: 'list', items: a!.items.filter((i) => { const s = JSON.stringify(toPlain(i)); return !seen.has(s) && !!seen.add(s); }), at };
      }
      case 'lower':
      case 'upper':
      case 'tostring': {
        const s = args.length === 1 ? scalarText(a!) : undefined;
        if (s === undefined) return unknown(text, at);
        return { k: 'str', v: e.name === 'lower' ? s.toLowerCase() : e.name === 'upper' ? s.toUpperCase() : s, at };
      }
      case 'tonumber': {
        const s = args.length === 1 ? scalarText(a!) : undefined;
        return s !== undefined && /^-?\d+(\.\d+)?$/.test(s) ? { k: 'num', v: Number(s), at } : unknown(text, at);
      }
      case 'compact': {
        if (args.length !== 1 || a!.k !== 'list') return unknown(text, at);
        return { k: 'list', items: a!.items.filter((i) => !(i.k === 'str' && i.v === '') && i.k !== 'null'), at };
      }
      case 'merge': {
        // later keys win; each kept entry stays where it is written (null arguments add nothing)
        const items: { key: string; keyAt: At; value: Val }[] = [];
        for (const m of args) {
          if (m.k === 'null') continue;
          if (m.k !== 'obj') return unknown(text, at);
          for (const it of m.items) {
            const i = items.findIndex((x) => x.key === it.key);
            if (i >= 0) items[i] = it;
            else items.push(it);
          }
        }
        return { k: 'obj', items, at };
      }
      case 'lookup': {
        const key = b === undefined ? undefined : scalarText(b);
        if (a?.k !== 'obj' || key === undefined || args.length > 3) return unknown(text, at);
        const hit = a.items.find((x) => x.key === key);
        if (hit) return relocate(hit.value, at);
        return args.length === 3 ? relocate(args[2]!, at) : unknown(`${text} (no such key)`, at);
      }
      case 'coalesce': {
        // the first argument that is neither null nor an empty string
        for (const v of args) if (v.k !== 'null' && !(v.k === 'str' && v.v === '')) return relocate(v, at);
        return unknown(text, at);
      }
      case 'format': {
        const f = a?.k === 'str' ? formatted(a.v, args.slice(1)) : undefined;
        return f === undefined ? unknown(text, at) : { k: 'str', v: f, at };
      }
      case 'replace': {
        const [str, sub, by] = args.map(scalarText);
        // a /regex/ substring is RE2 syntax: not evaluated
        if (args.length !== 3 || str === undefined || sub === undefined || by === undefined || (sub.length > 1 && sub.startsWith('/') && sub.endsWith('/'))) return unknown(text, at);
        return { k: 'str', v: str.split(sub).join(by), at };
      }
      default:
        return unknown(text, at);
    }
  }
}

/** `format` with the verbs `%s`, `%v`, `%d` and `%%` over known scalars; undefined for anything else (widths, other verbs). */
function formatted(spec: string, args: Val[]): string | undefined {
  let next = 0;
  let out = '';
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const verb = spec[++i];
    if (verb === '%') {
      out += '%';
      continue;
    }
    const v = args[next++];
    const t = v === undefined ? undefined : scalarText(v);
    if (t === undefined || (verb !== 's' && verb !== 'v' && verb !== 'd') || (verb === 'd' && v!.k !== 'num')) return undefined;
    out += t;
  }
  return next === args.length ? out : undefined;
}

export function unknown(reason: string, at: At): Val {
  return { k: 'unknown', reason, at };
}

function raw(file: TfFile, e: { start: number; end: number }): string {
  return file.hcl.text.slice(e.start, e.end);
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 80 ? `${one.slice(0, 77)}...` : one;
}

/** A scalar's text as Terraform converts it to a string. */
export function scalarText(v: Val): string | undefined {
  if (v.k === 'str') return v.v;
  if (v.k === 'num') return String(v.v);
  if (v.k === 'bool') return String(v.v);
  return undefined;
}

function comparable(v: Val): string | undefined {
  if (v.k === 'null') return 'null';
  const s = scalarText(v);
  return s === undefined ? undefined : `${v.k}:${s}`;
}

export function toPlain(v: Val, depth = 0): unknown {
  if (depth > 64) return undefined;
  switch (v.k) {
    case 'str':
    case 'num':
    case 'bool':
      return v.v;
    case 'null':
      return null;
    case 'list': {
      const out: unknown[] = [];
      for (const i of v.items) {
        const p = toPlain(i, depth + 1);
        if (p === undefined) return undefined;
        out.push(p);
      }
      return out;
    }
    case 'obj': {
      const out: Record<string, unknown> = {};
      for (const i of v.items) {
        const p = toPlain(i.value, depth + 1);
        if (p === undefined) return undefined;
        out[i.key] = p;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** A value read through a variable or local is reported where it is used. */
function relocate(v: Val, at: At, depth = 0): Val {
  if (depth > 64) return { ...v, at };
  switch (v.k) {
    case 'list':
      return { ...v, at, items: v.items.map((i) => relocate(i, at, depth + 1)) };
    case 'obj':
      return { ...v, at, items: v.items.map((i) => ({ key: i.key, keyAt: at, value: relocate(i.value, at, depth + 1) })) };
    default:
      return { ...v, at };
  }
}

export { attrOf };
