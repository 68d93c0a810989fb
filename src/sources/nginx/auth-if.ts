/**
 * Credential checks written as rewrite-phase `if`s:
 *
 *   if ($http_authorization = "") { return 401; }
 *   if ($http_x_api_key != "secret") { return 403; }
 *   if ($cookie_session = "") { return 401; }
 *
 * A request that lacks the header or cookie gets the 4xx. A CORS preflight never carries
 * Authorization, cookies or custom headers (Access-Control-Request-Headers only names them), so
 * such a check rejects every preflight it runs for. The evaluator models it as an
 * AuthRequirement of the responders it precedes.
 */
import type { AuthMechanism, AuthRequirement } from '../../model/types.js';
import type { NginxDirective } from './ast.js';

/** directives an auth `if` block may hold besides its `return` (they only shape the 4xx response) */
const HEADER_DIRECTIVES = new Set(['add_header', 'more_set_headers', 'more_clear_headers']);
/**
 * Custom request headers read as credentials. Other custom headers (X-Forwarded-For, X-Real-IP,
 * CDN headers...) may be added to preflights by a proxy in front, so they are not taken as proof
 * that a preflight is rejected.
 */
const KEY_HEADER = /key|token|auth|secret|signature|session|jwt|bearer|passw|credential/;

const cache = new WeakMap<NginxDirective, AuthRequirement | null>();

/** The requirement an `if` block expresses, when it rejects requests without a credential header or cookie. */
export function rewriteAuthCheck(d: NginxDirective, files: Map<string, string>): AuthRequirement | undefined {
  const c = d.condition;
  if (!c || !/^\$\{?(http|cookie)_/i.test(c.variable)) return undefined;
  let hit = cache.get(d);
  if (hit === undefined) cache.set(d, (hit = compute(d, files) ?? null));
  return hit ?? undefined;
}

function compute(d: NginxDirective, files: Map<string, string>): AuthRequirement | undefined {
  const c = d.condition!;
  const m = /^\$\{?(http|cookie)_([a-z0-9_]+)\}?$/i.exec(c.variable);
  if (!m || !d.block) return undefined;
  const kind = m[1]!.toLowerCase();
  const name = m[2]!.toLowerCase();
  let mechanism: AuthMechanism;
  let header: string;
  if (kind === 'cookie' || name === 'cookie') {
    mechanism = 'cookie';
    header = 'Cookie';
  } else if (name === 'authorization') {
    mechanism = 'authorization-header';
    header = 'Authorization';
  } else if (KEY_HEADER.test(name)) {
    mechanism = 'api-key';
    header = name
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('-');
  } else return undefined;
  // the block answers with a 4xx and nothing else runs in it
  const rest = d.block.filter((x) => !HEADER_DIRECTIVES.has(x.name));
  const ret = rest[0];
  if (rest.length !== 1 || ret?.name !== 'return' || !/^4[0-9]{2}$/.test(ret.args[0]?.value ?? '')) return undefined;
  const status = Number(ret.args[0]!.value);
  if (status === 444) return undefined; // closes the connection: no status to predict
  if (!trueWhenAbsent(c.operator, c.operand?.value, !!c.negated)) return undefined;
  const raw = (span: { file: string; offset?: number; endOffset?: number }): string | undefined => {
    const t = files.get(span.file);
    return t !== undefined && span.offset !== undefined && span.endOffset !== undefined ? t.slice(span.offset, span.endOffset) : undefined;
  };
  const cond = raw(c.span) ?? `(${c.negated ? '!' : ''}${c.variable}${c.operator ? ` ${c.operator} ${c.operand?.value ?? ''}` : ''})`;
  const retText = (raw(ret.span) ?? `return ${status};`).replace(/\s+/g, ' ');
  return { mechanism, header, description: `if ${cond} { ${retText} }`, failureStatus: status, span: d.span };
}

/**
 * Whether the condition holds for a request without the header or cookie (nginx reads it as
 * ""), while some value makes it false: only then is it a credential check.
 */
function trueWhenAbsent(op: string, operand: string | undefined, negated: boolean): boolean {
  if (op === '') return negated; // (!$http_authorization)
  if (operand === undefined || operand.includes('$')) return false;
  if (op === '=') return operand === '';
  if (op === '!=') return operand !== '';
  if (op === '~' || op === '~*' || op === '!~' || op === '!~*') {
    let re: RegExp;
    try {
      re = new RegExp(operand, op.endsWith('*') ? 'i' : '');
    } catch {
      return false;
    }
    const matchesEmpty = re.test('');
    return op.startsWith('!') ? !matchesEmpty : matchesEmpty && !re.test('x') && !re.test('Bearer x');
  }
  return false;
}
