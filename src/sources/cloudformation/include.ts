/**
 * API definitions a template reads from another file: `Body`/`DefinitionBody` as
 * `Fn::Transform: {Name: AWS::Include, Parameters: {Location: ...}}`, and a SAM `DefinitionUri`.
 * A local location is read as `aws cloudformation package` and `sam build` read it (relative to
 * the template), as part of the template: its parameters and conditions apply.
 */
import { dirname, resolve } from 'node:path';
import { isMap, onlyPair, type YNode, type YPair } from '../yaml-positions.js';
import type { Template } from './template.js';

/** A definition read from another document, with the Template that reads it. */
export interface IncludedDefinition {
  t: Template;
  root: YNode;
}

/**
 * Reads the definition a `Body`/`DefinitionBody` includes (`AWS::Include`) or a `DefinitionUri`
 * names. undefined: the value is not such a reference; null: it is one that cannot be read (an S3
 * location, a missing or broken file), which the reader has reported.
 */
export interface DefinitionReader {
  body(t: Template, value: YNode | undefined, owner: string): IncludedDefinition | null | undefined;
  uri(t: Template, entry: YPair | undefined, owner: string): IncludedDefinition | null | undefined;
}

/** An S3 or HTTPS location (what `package` writes), or any other scheme: not a local file. */
const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The `Location` node of an `AWS::Include` transform, when `value` is one. */
export function includeLocation(t: Template, value: YNode | undefined): YNode | undefined {
  const p = isMap(value) ? onlyPair(value) : undefined;
  if (p === undefined || p.key !== 'Fn::Transform') return undefined;
  const spec = t.deref(p.value);
  if (t.text(t.get(spec, 'Name')) !== 'AWS::Include') return undefined;
  return t.get(t.get(spec, 'Parameters'), 'Location') ?? p.value;
}

/** The file a local location names, relative to the template; undefined for a remote or unknown one. */
export function localFile(t: Template, location: YNode | undefined): string | undefined {
  const text = location !== undefined && location.kind === 'scalar' ? location.text : undefined;
  if (text === undefined || text === '' || REMOTE.test(text)) return undefined;
  return resolve(dirname(t.doc.file), text);
}
