/**
 * A CloudFormation template as the sources see it: resources by logical id, parameters with
 * their defaults, static conditions, and intrinsic functions resolved where the template itself
 * says what they are (`Ref` to a parameter default, `Fn::Sub` over known values, `Fn::If` on a
 * static condition, `Fn::Join`/`Fn::Select`/`Fn::Split` over known values). Everything else
 * becomes unknown with a reason, never a guess.
 */
import type { Span } from '../../model/types.js';
import { child, entries, isMap, isScalar, isSeq, keptPairs, onlyPair, pairOf, ScalarNode, SeqNode, spanOf, type ParsedDocument, type YMap, type YNode, type YPair } from '../yaml-positions.js';

export interface Resource {
  id: string;
  type: string;
  /** the `Properties` map (may be absent) */
  props: YNode | undefined;
  node: YMap;
  /** the logical id key */
  keyStart: number;
  keyEnd: number;
  /** the resource's `Condition` evaluated statically: false means it is never created */
  created: boolean | undefined;
  /** `Template.spanResource`, once computed */
  keySpan?: Span;
}

export type Str = { ok: true; text: string } | { ok: false; reason: string };

/**
 * The parameter values a parent stack gives a nested one (`AWS::CloudFormation::Stack` or
 * `AWS::Serverless::Application` `Parameters`), resolved in the parent; `by` names the parent's
 * resource for the reasons of values it does not know (`stack Orders`).
 */
export interface GivenParameters {
  values: ReadonlyMap<string, Str>;
  /** (undefined: the reasons are the parent's own, as for a document the parent includes) */
  by?: string;
}

/** Parameter types whose value is a list: a comma-separated text splits into its items. */
const LIST_TYPE = /^(?:CommaDelimitedList|List<.*>)$/;
/** Parameter types whose `Default` is the name of an SSM parameter, not the value. */
const SSM_TYPE = /^AWS::SSM::Parameter::Value</;


const PSEUDO: Record<string, string | undefined> = {
  'AWS::NoValue': undefined,
};

export class Template {
  readonly resources = new Map<string, Resource>();
  readonly parameters = new Map<string, YNode | undefined>();
  readonly conditions = new Map<string, YNode>();
  /** the `Mappings` section (`Fn::FindInMap`); an included document's are its template's */
  readonly mappings: YNode | undefined;
  readonly globals: YNode | undefined;
  readonly isSam: boolean;
  private readonly conditionCache = new Map<string, boolean | undefined>();
  /** created resources per type, in template order */
  private readonly byType = new Map<string, Resource[]>();
  private readonly evaluating = new Set<string>();
  /** parameters whose value is being resolved: a default that refers back to its own parameter is circular */
  private readonly resolving = new Set<string>();
  /** `parameterText` once computed (a parameter has one value in a template) */
  private readonly parameterTexts = new Map<string, Str>();
  /** parameter types, for parameters whose type changes what a value means (lists, SSM names) */
  private readonly parameterTypes = new Map<string, string>();
  /**
   * values made for parameters: per `Ref` node (given values), per `Default` node (lists, and
   * defaults written as functions, resolved once; undefined: `AWS::NoValue`)
   */
  private readonly parameterNodes = new Map<YNode, YNode | undefined>();

  constructor(
    readonly doc: ParsedDocument,
    readonly given?: GivenParameters,
    /** the template this document is part of (`AWS::Include`, a SAM `DefinitionUri`): its parameters and conditions apply */
    private readonly includedIn?: Template,
  ) {
    const root = doc.root;
    this.mappings = includedIn ? includedIn.mappings : child(root, 'Mappings');
    this.globals = child(root, 'Globals');
    const transform = child(root, 'Transform');
    const transforms = isSeq(transform) ? transform.items : transform ? [transform] : [];
    this.isSam = transforms.some((t) => isScalar(t) && /^AWS::Serverless/.test(t.text));
    if (includedIn) {
      for (const name of includedIn.parameters.keys()) this.parameters.set(name, undefined);
      for (const [name, type] of includedIn.parameterTypes) this.parameterTypes.set(name, type);
    }
    for (const p of entries(child(root, 'Parameters'))) {
      const type = child(p.value, 'Type');
      if (isScalar(type) && (LIST_TYPE.test(type.text) || SSM_TYPE.test(type.text))) this.parameterTypes.set(p.key, type.text);
      this.parameters.set(p.key, child(p.value, 'Default'));
    }
    for (const p of entries(child(root, 'Conditions'))) this.conditions.set(p.key, p.value);
    const resources = entries(child(root, 'Resources'));
    for (let i = 0; i < resources.length; i++) {
      const p = resources[i]!;
      const node = p.value;
      if (node.kind !== 'map') continue;
      // Type, Properties and Condition in one pass over the resource's few entries
      let typeNode: YNode | undefined;
      let props: YNode | undefined;
      let condName: YNode | undefined;
      const ps = entries(node);
      for (let k = 0; k < ps.length; k++) {
        const q = ps[k]!;
        if (q.key === 'Type') typeNode = q.value;
        else if (q.key === 'Properties') props = q.value;
        else if (q.key === 'Condition') condName = q.value;
      }
      const type = typeNode !== undefined && typeNode.kind === 'scalar' ? typeNode.text : '';
      if (type.startsWith('AWS::Serverless::')) this.isSam = true as boolean;
      const created = condName !== undefined && condName.kind === 'scalar' ? this.condition(condName.text) : true;
      this.resources.set(p.key, { id: p.key, type, props, node, keyStart: p.keyStart, keyEnd: p.keyEnd, created, keySpan: undefined });
    }
    // After the loop: a duplicate logical id keeps its last definition, at the first one's place.
    // (forEach: no iterator result per resource)
    this.resources.forEach((r) => {
      if (r.created === false) return;
      let l = this.byType.get(r.type);
      if (!l) this.byType.set(r.type, (l = []));
      l.push(r);
    });
  }

  span(start: number, end: number): Span {
    return spanOf(this.doc, start, end);
  }
  spanNode(n: YNode): Span {
    return spanOf(this.doc, n.start, n.end);
  }
  spanKey(p: YPair): Span {
    return spanOf(this.doc, p.keyStart, p.keyEnd);
  }
  /** key through value: a whole `key: value` entry */
  spanPair(p: YPair): Span {
    return spanOf(this.doc, p.keyStart, Math.max(p.keyEnd, p.value.end));
  }
  /** the logical id's span (one object per resource: spans are never modified) */
  spanResource(r: Resource): Span {
    return (r.keySpan ??= spanOf(this.doc, r.keyStart, r.keyEnd));
  }

  ofType(...types: string[]): Resource[] {
    if (types.length === 1) return [...(this.byType.get(types[0]!) ?? [])];
    return [...this.resources.values()].filter((r) => types.includes(r.type) && r.created !== false);
  }

  /**
   * A document included into `parent` (`Fn::Transform` `AWS::Include`, a SAM `DefinitionUri`):
   * CloudFormation processes it as part of the parent, so the parent's parameters and conditions
   * apply (their values placed where the document uses them).
   */
  static included(doc: ParsedDocument, parent: Template): Template {
    const values = new Map<string, Str>();
    for (const name of parent.parameters.keys()) values.set(name, parent.parameterText(name));
    return new Template(doc, { values }, parent);
  }

  /** A parameter's value as text, or why it is not known here (`depth`: of the references followed to get here). */
  parameterText(name: string, depth = 0): Str {
    const known = this.parameterTexts.get(name);
    if (known !== undefined) return known;
    if (this.resolving.has(name)) return { ok: false, reason: `parameter ${name} refers to itself` };
    const unknown = this.unknownParameter(name);
    if (unknown !== undefined) return { ok: false, reason: unknown };
    const given = this.given?.values.get(name);
    if (given !== undefined) return given;
    // (remembered: `${P}-${P}` with P's default referring to P again must not branch at each level)
    this.resolving.add(name);
    const text = this.str(this.parameters.get(name), depth + 1);
    this.resolving.delete(name);
    this.parameterTexts.set(name, text);
    return text;
  }

  /** Evaluates a named condition when it only depends on parameter defaults and constants. */
  condition(name: string): boolean | undefined {
    if (this.includedIn) return this.includedIn.condition(name);
    if (this.conditionCache.has(name)) return this.conditionCache.get(name);
    if (this.evaluating.has(name)) return undefined; // circular
    this.evaluating.add(name);
    const node = this.conditions.get(name);
    const v = node ? this.evalCondition(node, 0) : undefined;
    this.evaluating.delete(name);
    this.conditionCache.set(name, v);
    return v;
  }

  private evalCondition(n: YNode, depth: number): boolean | undefined {
    const p = depth > 32 || !isMap(n) ? undefined : onlyPair(n);
    if (!p) return isScalar(n) && typeof n.value === 'boolean' ? n.value : undefined;
    const args = p.value;
    const list = isSeq(args) ? args.items : [];
    switch (p.key) {
      case 'Fn::Equals': {
        if (list.length !== 2) return undefined;
        const a = this.str(list[0]!, depth + 1);
        const b = this.str(list[1]!, depth + 1);
        return a.ok && b.ok ? a.text === b.text : undefined;
      }
      case 'Fn::Not': {
        const v = list[0] ? this.evalCondition(list[0], depth + 1) : undefined;
        return v === undefined ? undefined : !v;
      }
      case 'Fn::And': {
        const vs = list.map((x) => this.evalCondition(x, depth + 1));
        if (vs.includes(false)) return false;
        return vs.every((v) => v === true) ? true : undefined;
      }
      case 'Fn::Or': {
        const vs = list.map((x) => this.evalCondition(x, depth + 1));
        if (vs.includes(true)) return true;
        return vs.every((v) => v === false) ? false : undefined;
      }
      case 'Condition':
        return isScalar(args) ? this.condition(args.text) : undefined;
      default:
        return undefined;
    }
  }

  /**
   * Follows `Fn::If` on static conditions and `Ref` to parameters with defaults, so property
   * readers see the value that will be deployed. Returns undefined for `AWS::NoValue`.
   */
  deref(n: YNode | undefined, depth = 0): YNode | undefined {
    if (n === undefined || n.kind !== 'map' || depth > 32) return n;
    const p = onlyPair(n);
    if (!p) return n;
    // (kinds compared here rather than through isSeq/isScalar: this runs for every map read)
    if (p.key === 'Fn::If' && p.value.kind === 'seq' && p.value.items.length === 3) {
      const [c, a, b] = p.value.items;
      const v = isScalar(c) ? this.condition(c.text) : undefined;
      if (v === undefined) return n;
      return this.deref(v ? a : b, depth + 1);
    }
    if (p.key === 'Ref' && p.value.kind === 'scalar') {
      const name = p.value.text;
      if (name === 'AWS::NoValue') return undefined;
      if (this.parameters.size !== 0 && this.parameters.has(name)) return this.parameterValue(name, n, depth);
    }
    if (p.key === 'Fn::FindInMap' && this.mappings !== undefined) {
      const found = this.findInMap(p.value, depth + 1);
      return typeof found === 'string' ? n : this.deref(found, depth + 1);
    }
    return n;
  }

  /**
   * The value `Fn::FindInMap [Map, TopKey, SecondKey]` picks from the `Mappings` section (keys
   * resolved as strings: a parameter with a default, say), or the optional fourth argument's
   * `DefaultValue` (AWS::LanguageExtensions) when there is no such entry; why not, as text.
   * (A mapping value is a string or a list of strings: CloudFormation allows no functions in it.)
   */
  private findInMap(args: YNode, depth: number): YNode | string {
    if (args.kind !== 'seq' || args.items.length < 3 || args.items.length > 4) return 'malformed Fn::FindInMap';
    const keys: string[] = [];
    for (let i = 0; i < 3; i++) {
      const k = this.str(args.items[i], depth + 1);
      if (!k.ok) return `Fn::FindInMap over a key only known at deploy time (${k.reason})`;
      keys.push(k.text);
    }
    const found = child(child(child(this.mappings, keys[0]!), keys[1]!), keys[2]!);
    if (found !== undefined) return found;
    const fallback = args.items[3] === undefined ? undefined : child(this.deref(args.items[3], depth + 1), 'DefaultValue');
    return fallback ?? `Fn::FindInMap: the mapping ${keys[0]} has no entry ${keys[1]}/${keys[2]}`;
  }

  /**
   * What `Ref` to parameter `name` (the node `ref`) stands for: the value the parent stack gives
   * (a text, placed at the `Ref`), else the `Default`; a list parameter's text as its items.
   * `ref` itself when the value is not known here.
   */
  private parameterValue(name: string, ref: YNode, depth: number): YNode | undefined {
    const type = this.parameterTypes.get(name);
    const given = this.given?.values.get(name);
    if (given !== undefined) {
      if (!given.ok) return ref;
      let node = this.parameterNodes.get(ref);
      if (node === undefined) this.parameterNodes.set(ref, (node = valueNode(given.text, type, ref.start, ref.end)));
      return node;
    }
    if (type !== undefined && SSM_TYPE.test(type)) return ref;
    const def = this.parameters.get(name);
    if (def === undefined) return ref;
    if (def.kind === 'seq' || (def.kind === 'scalar' && type === undefined)) return def;
    if (def.kind === 'map') {
      // a default written as a function (not valid CloudFormation, but read): resolved once per parameter
      if (this.parameterNodes.has(def)) return this.parameterNodes.get(def);
      if (this.resolving.has(name)) return ref;
      this.resolving.add(name);
      const v = this.deref(def, depth + 1);
      this.resolving.delete(name);
      this.parameterNodes.set(def, v);
      return v;
    }
    let node = this.parameterNodes.get(def);
    if (node === undefined) this.parameterNodes.set(def, (node = valueNode(def.text, type, def.start, def.end)));
    return node;
  }

  /** Why parameter `name` has no value here, or undefined when it has one. */
  private unknownParameter(name: string): string | undefined {
    const given = this.given?.values.get(name);
    if (given !== undefined) return given.ok ? undefined : this.given!.by === undefined ? given.reason : `parameter ${name} is given by ${this.given!.by}: ${given.reason}`;
    const type = this.parameterTypes.get(name);
    if (type !== undefined && SSM_TYPE.test(type)) return `parameter ${name} is read from SSM Parameter Store at deploy time`;
    return this.parameters.get(name) === undefined ? `parameter ${name} has no Default` : undefined;
  }

  /** A property of a map after deref. */
  get(n: YNode | undefined, key: string): YNode | undefined {
    // (`at` written out: one call less per property read)
    const v = child(this.deref(n), key);
    return v !== undefined && v.kind === 'map' ? this.deref(v) : v;
  }
  /** `get` on a map `deref` has already resolved (the map is not resolved again). */
  at(m: YNode | undefined, key: string): YNode | undefined {
    const v = child(m, key);
    // (only maps resolve to something else: no call for the usual plain value)
    return v !== undefined && v.kind === 'map' ? this.deref(v) : v;
  }
  /** `at` for a pair already looked up: its value, resolved. */
  valueOf(p: YPair | undefined): YNode | undefined {
    if (p === undefined) return undefined;
    const v = p.value;
    return v.kind === 'map' ? this.deref(v) : v;
  }
  pair(n: YNode | undefined, key: string): YPair | undefined {
    const m = this.deref(n);
    return pairOf(m, key);
  }

  /** A list property: a sequence (after deref), or unknown. A scalar where a list is expected yields a one-item list. */
  list(n: YNode | undefined, depth = 0): readonly YNode[] | undefined {
    const v = this.deref(n, depth);
    if (!v) return undefined;
    if (v.kind === 'seq') {
      // the sequence's own items while none needs resolving (the usual case): no copy
      const items = v.items;
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        if (item.kind === 'map' && this.deref(item, depth) !== item) return this.resolvedItems(items, i, depth);
      }
      return items;
    }
    if (v.kind === 'scalar') return [v];
    return this.split(v, depth);
  }
  /** `Fn::Split [separator, text]` over a known text: its pieces, each at the function's place. */
  private split(v: YMap, depth: number): YNode[] | undefined {
    const p = onlyPair(v);
    if (p === undefined || p.key !== 'Fn::Split' || p.value.kind !== 'seq' || p.value.items.length !== 2) return undefined;
    const sep = this.str(p.value.items[0], depth + 1);
    const text = this.str(p.value.items[1], depth + 1);
    if (!sep.ok || !text.ok || sep.text === '') return undefined;
    return text.text.split(sep.text).map((piece) => new ScalarNode(piece, piece, true, v.start, v.end));
  }
  /** `items` resolved, from the first one that resolves to something else (`AWS::NoValue` items dropped). */
  private resolvedItems(items: YNode[], from: number, depth: number): YNode[] {
    const out = items.slice(0, from);
    for (let i = from; i < items.length; i++) {
      const d = this.deref(items[i], depth);
      if (d !== undefined) out.push(d);
    }
    return out;
  }

  bool(n: YNode | undefined): boolean | undefined {
    const v = this.deref(n);
    if (!isScalar(v)) return undefined;
    if (typeof v.value === 'boolean') return v.value;
    if (/^true$/i.test(v.text)) return true;
    if (/^false$/i.test(v.text)) return false;
    return undefined;
  }

  /** The logical id a `Ref`/`Fn::GetAtt`/`Fn::Sub "${X}"` points at, if the node is such a reference. */
  refTarget(n: YNode | undefined): string | undefined {
    return this.refOf(this.deref(n));
  }

  /** `refTarget(get(n, key))`, resolving the value once (`get` already follows `Fn::If` and parameter `Ref`s). */
  refAt(n: YNode | undefined, key: string): string | undefined {
    return this.refOf(this.get(n, key));
  }

  /** `refTarget` of a value `deref` has already resolved. */
  refOf(v: YNode | undefined): string | undefined {
    if (v === undefined) return undefined;
    if (v.kind === 'scalar') return this.resources.has(v.text) ? v.text : undefined;
    const p = v.kind === 'map' ? onlyPair(v) : undefined;
    if (!p) return undefined;
    if (p.key === 'Ref' && p.value.kind === 'scalar') return p.value.text;
    if (p.key === 'Fn::GetAtt') {
      if (isScalar(p.value)) {
        const text = p.value.text;
        const dot = text.indexOf('.');
        return dot === -1 ? text : text.slice(0, dot);
      }
      if (isSeq(p.value) && isScalar(p.value.items[0])) return p.value.items[0].text;
    }
    if (p.key === 'Fn::Sub' && isScalar(p.value)) {
      const m = /^\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}$/.exec(p.value.text);
      if (m) return m[1];
    }
    return undefined;
  }

  /** Logical ids referenced anywhere in a value (for `${Api}.execute-api...` domain names). */
  mentions(n: YNode | undefined, depth = 0): string[] {
    if (!n || depth > 16) return [];
    const out: string[] = [];
    if (isScalar(n)) {
      for (const m of n.text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) if (this.resources.has(m[1]!)) out.push(m[1]!);
      return out;
    }
    const t = this.refTarget(n);
    if (t && this.resources.has(t)) out.push(t);
    const kids = isSeq(n) ? n.items : isMap(n) ? keptPairs(n).map((p) => p.value) : [];
    for (const k of kids) out.push(...this.mentions(k, depth + 1));
    return out;
  }

  /** A string value, resolved where the template says what it is. */
  str(n: YNode | undefined, depth = 0): Str {
    if (depth > 32) return { ok: false, reason: 'references nest too deeply (circular?)' };
    return this.strOf(n !== undefined && n.kind === 'map' ? this.deref(n, depth) : n, depth);
  }

  /** `str(get(n, key))`, resolving the value once. */
  strAt(n: YNode | undefined, key: string): Str {
    return this.strOf(this.get(n, key), 0);
  }

  /** The text `str` resolves, or undefined when it is not known (no result object for a plain value). */
  text(n: YNode | undefined): string | undefined {
    // (a plain value, the usual case, needs no resolving)
    if (n !== undefined && n.kind === 'scalar') return n.text;
    return this.textOf(this.deref(n));
  }
  /** `text(get(n, key))`, resolving the value once. */
  textAt(n: YNode | undefined, key: string): string | undefined {
    return this.textOf(this.get(n, key));
  }
  /** `text` of a value `deref` (or `get`) has already resolved. */
  textOf(v: YNode | undefined): string | undefined {
    if (v === undefined) return undefined;
    if (v.kind === 'scalar') return v.text;
    const s = this.strOf(v, 0);
    return s.ok ? s.text : undefined;
  }

  /** `str` of a value `deref` (or `get`) has already resolved. */
  strOf(v: YNode | undefined, depth = 0): Str {
    if (v === undefined) return { ok: false, reason: 'the value is AWS::NoValue or missing' };
    if (isScalar(v)) return { ok: true, text: v.text };
    if (isSeq(v)) return { ok: false, reason: 'a list where a string is expected' };
    const p = onlyPair(v);
    if (!p) return { ok: false, reason: 'a map where a string is expected' };
    const arg = p.value;
    switch (p.key) {
      case 'Ref': {
        const name = isScalar(arg) ? arg.text : '';
        if (name in PSEUDO) return { ok: false, reason: `${name} has no value` };
        if (name.startsWith('AWS::')) return { ok: false, reason: `the pseudo parameter ${name} is only known at deploy time` };
        // (a value deref did not resolve: given or a default, it is the parameter's text)
        if (this.parameters.has(name)) return this.parameterText(name, depth);
        if (this.resources.has(name)) return { ok: false, reason: `Ref ${name} is a physical id only known at deploy time` };
        return { ok: false, reason: `Ref ${name} names no parameter or resource of this template` };
      }
      case 'Fn::GetAtt':
        return { ok: false, reason: `Fn::GetAtt ${isScalar(arg) ? arg.text : isSeq(arg) ? arg.items.map((i) => (isScalar(i) ? i.text : '?')).join('.') : ''} is only known at deploy time` };
      case 'Fn::ImportValue':
        return { ok: false, reason: 'Fn::ImportValue comes from another stack' };
      case 'Fn::FindInMap': {
        // (deref resolved it when it could: this is why it could not)
        const found = this.mappings === undefined ? 'the template has no Mappings' : this.findInMap(arg, depth + 1);
        return typeof found === 'string' ? { ok: false, reason: found } : this.str(found, depth + 1);
      }
      case 'Fn::Sub':
        return this.sub(arg, depth);
      case 'Fn::Join': {
        if (!isSeq(arg) || arg.items.length !== 2) return { ok: false, reason: 'malformed Fn::Join' };
        const sep = this.str(arg.items[0], depth + 1);
        const items = this.list(arg.items[1], depth + 1);
        if (!sep.ok) return sep;
        if (!items) return { ok: false, reason: 'Fn::Join over a list only known at deploy time' };
        const parts: string[] = [];
        for (const it of items) {
          const s = this.str(it, depth + 1);
          if (!s.ok) return s;
          parts.push(s.text);
        }
        return { ok: true, text: parts.join(sep.text) };
      }
      case 'Fn::Select': {
        if (!isSeq(arg) || arg.items.length !== 2) return { ok: false, reason: 'malformed Fn::Select' };
        const idx = this.str(arg.items[0], depth + 1);
        const items = this.list(arg.items[1], depth + 1);
        if (!idx.ok || !items) return { ok: false, reason: 'Fn::Select over values only known at deploy time' };
        const it = items[Number(idx.text)];
        return it ? this.str(it, depth + 1) : { ok: false, reason: 'Fn::Select index out of range' };
      }
      case 'Fn::If':
        return { ok: false, reason: 'Fn::If on a condition that depends on deploy-time values' };
      default:
        return { ok: false, reason: `${p.key} is only known at deploy time` };
    }
  }

  private sub(arg: YNode, depth: number): Str {
    let template: string;
    const vars = new Map<string, Str>();
    if (isScalar(arg)) template = arg.text;
    else if (isSeq(arg) && isScalar(arg.items[0])) {
      template = arg.items[0].text;
      for (const p of entries(this.deref(arg.items[1], depth + 1))) vars.set(p.key, this.str(p.value, depth + 1));
    } else return { ok: false, reason: 'malformed Fn::Sub' };
    let failure: string | undefined;
    const text = template.replace(/\$\{(!?)([^}]*)\}/g, (all, bang: string, name: string) => {
      if (bang) return `\${${name}}`;
      const given = vars.get(name);
      if (given) {
        if (given.ok) return given.text;
        failure ??= given.reason;
        return all;
      }
      if (this.parameters.has(name)) {
        const s = this.parameterText(name, depth);
        if (s.ok) return s.text;
        failure ??= s.reason;
        return all;
      }
      failure ??= `\${${name}} in Fn::Sub is only known at deploy time`;
      return all;
    });
    return failure ? { ok: false, reason: failure } : { ok: true, text };
  }
}

/**
 * A parameter's value as a node at `start`..`end`: a string, or for a list type its comma-separated
 * items (CloudFormation splits the text and keeps each item as written).
 */
function valueNode(text: string, type: string | undefined, start: number, end: number): YNode {
  if (type === undefined || !LIST_TYPE.test(type)) return new ScalarNode(text, text, true, start, end);
  // "each member string is space trimmed" (the CloudFormation parameter reference)
  const items = text === '' ? [] : text.split(',').map((item) => item.trim());
  return new SeqNode(items.map((item) => new ScalarNode(item, item, true, start, end)), start, end);
}
