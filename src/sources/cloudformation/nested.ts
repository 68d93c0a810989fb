/**
 * Nested stacks: `AWS::CloudFormation::Stack` (`TemplateURL`) and `AWS::Serverless::Application`
 * (`Location`) resources whose template is a local file, as `aws cloudformation package` and
 * `sam build` read them (relative to the parent template's directory). The child template is
 * linted with the `Parameters` the parent gives it, as a Terraform module is through its call.
 */
import type { Span } from '../../model/types.js';
import type { YNode } from '../yaml-positions.js';
import { localFile } from './include.js';
import type { Str, Template } from './template.js';

export interface NestedStack {
  /** the parent's logical id */
  id: string;
  kind: 'stack' | 'application';
  /** the local path as written, and where it is written */
  written: string;
  at: YNode;
  /** the path resolved against the parent template's directory */
  path: string;
  /** the parameter values the parent gives, resolved in the parent */
  parameters: Map<string, Str>;
}

const STACK = 'AWS::CloudFormation::Stack';
const APPLICATION = 'AWS::Serverless::Application';

/**
 * The nested stacks of a template whose template is a local file. A URL, a serverless
 * application from the repository (`ApplicationId`), or a location only known at deploy time is
 * not on disk to read and is skipped.
 */
export function nestedStacks(t: Template): NestedStack[] {
  const out: NestedStack[] = [];
  // two type lookups (the usual template has neither), in template order
  const resources = [...t.ofType(STACK), ...t.ofType(APPLICATION)].sort((a, b) => a.keyStart - b.keyStart);
  for (const r of resources) {
    const kind = r.type === STACK ? 'stack' : 'application';
    const at = t.get(r.props, kind === 'stack' ? 'TemplateURL' : 'Location');
    const path = localFile(t, at);
    if (path === undefined || at === undefined || at.kind !== 'scalar') continue;
    const parameters = new Map<string, Str>();
    const given = t.get(r.props, 'Parameters');
    if (given !== undefined && given.kind === 'map') {
      for (const p of given.pairs) parameters.set(p.key, t.str(p.value));
    }
    out.push({ id: r.id, kind, written: at.text, at, path, parameters });
  }
  return out;
}

/**
 * Copies of the routes and diagnostics of a template read through a nested stack, with `via` on
 * every span (findings there name the stack they were read through) and route ids and groups
 * under the stack's address: the same template read for two stacks gives two sets, sharing no
 * span and no group.
 */
export function readThrough<T extends object>(items: T[], via: string, idPrefix: string): T[] {
  const copies = new Map<object, unknown>();
  const copy = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const known = copies.get(value);
    if (known !== undefined) return known;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      copies.set(value, out);
      for (const item of value) out.push(copy(item));
      return out;
    }
    const proto = Object.getPrototypeOf(value) as object | null;
    // only the model's plain records are copied (a Map, a RegExp or a class instance is shared)
    if (proto !== Object.prototype && proto !== null) return value;
    if (isSpan(value)) {
      const out: Span = { ...value, via };
      copies.set(value, out);
      return out;
    }
    const out: Record<string, unknown> = {};
    copies.set(value, out);
    for (const [k, v] of Object.entries(value)) out[k] = copy(v);
    return out;
  };
  return items.map((item) => {
    const out = copy(item) as T & { id?: unknown; group?: unknown };
    if (typeof out.id === 'string') out.id = idPrefix + out.id;
    if (typeof out.group === 'string') out.group = idPrefix + out.group;
    return out;
  });
}

function isSpan(value: object): value is Span {
  const v = value as Partial<Span>;
  return typeof v.file === 'string' && typeof v.line === 'number' && typeof v.column === 'number' && typeof v.endLine === 'number';
}
