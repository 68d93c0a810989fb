/** The nginx syntax tree, as the parser produces it and the evaluator reads it. */
import type { Span } from '../../model/types.js';

export interface NginxToken {
  /** the value after quote removal and escape processing */
  value: string;
  /** the quote character the token started with, if any */
  quote: '"' | "'" | null;
  span: Span;
}

/** `if (...)` condition: `($var)`, `(!$var)`, `($var = value)`, `($var ~* regex)`, `(-f $path)`. */
export interface IfCondition {
  /** `$request_method`, `$http_origin`, ... (with the `$`), or the path operand of -f/-d/-e/-x */
  variable: string;
  operator: '' | '=' | '!=' | '~' | '~*' | '!~' | '!~*' | '-f' | '!-f' | '-d' | '!-d' | '-e' | '!-e' | '-x' | '!-x';
  /** the right-hand side (string or regex) */
  operand?: NginxToken;
  /** `(!$var)` */
  negated?: boolean;
  span: Span;
}

export interface NginxDirective {
  name: string;
  /** the quote the name was written with (map/geo entries like `"~^https://a\\.com$" 1;`) */
  nameQuote?: '"' | "'";
  /** arguments as tokens; for `if`, the raw argument tokens (see `condition`) */
  args: NginxToken[];
  /** child directives when the directive has a `{ ... }` block */
  block?: NginxDirective[];
  /** `*_by_lua_block { ... }`: the body kept opaque (also the last of `args`: `set_by_lua_block $x { ... }` has it at args[1]) */
  luaBody?: NginxToken;
  /** the directive from its name to its `;` or closing `}` */
  span: Span;
  nameSpan: Span;
  /** for `if` directives */
  condition?: IfCondition;
  /** for a resolved `include`: the directives of the included files, in order */
  included?: { file: string; directives: NginxDirective[] }[];
}

export interface NginxComment {
  text: string;
  span: Span;
}

export interface NginxFile {
  path: string;
  text: string;
  directives: NginxDirective[];
  /** the file's comments (by default read on first access, by parsing the text again: see `ParseOptions.comments`) */
  comments: NginxComment[];
}
