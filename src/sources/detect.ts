/**
 * Cheap content sniffing: which source kind a file is, without loading any parser.
 * Unknown files are skipped quietly by the CLI.
 */
import type { SourceKind } from '../model/types.js';

const NGINX_EXT = /\.(conf|nginx|vhost|tmpl|tpl|map)$/i;
// Directives that nearly only appear in nginx configs, at the start of a line.
const NGINX_SNIFF =
  /^\s*(server|location|http|upstream|map|add_header|proxy_pass|listen|server_name|more_set_headers|include|if\s*\(|return|root|fastcgi_pass|proxy_set_header|proxy_hide_header|auth_basic|limit_except|events|worker_processes|error_page|rewrite|set|try_files)\b[^\n]*[;{]\s*(#.*)?$/m;

export function detectKind(path: string, text: string): SourceKind | undefined {
  // Binary files are never configs.
  if (text.includes('\u0000')) return NGINX_EXT.test(path) ? 'nginx' : undefined;
  const head = text.length > 65536 ? text.slice(0, 65536) : text;
  const lower = path.toLowerCase();
  // Terraform's JSON syntax (CDK for Terraform writes cdk.tf.json), unless the content is some
  // other kind (an OpenAPI document named *.spec.tf.json for a Terraform module to read)
  if (/\.tf\.json$/.test(lower) && /^\s*\{\s*"(?:resource|data|module|provider|variable|output|locals|terraform|moved|import|check|removed|\/\/)"\s*:/.test(head)) return 'terraform';
  if (/\.tfvars\.json$/.test(lower)) return 'terraform';
  if (/\.(ya?ml|json|template)$/.test(lower)) {
    // serverless.yml embeds CloudFormation under `resources:`; the framework file wins.
    if (/(^|\/)serverless\.ya?ml$/.test(lower) || (/^service\s*:/m.test(head) && /^provider\s*:/m.test(head))) return 'serverless';
    if (/AWSTemplateFormatVersion|["']?Type["']?\s*:\s*["']?AWS::|^\s*["']?Transform["']?\s*:\s*["']?AWS::Serverless/m.test(head)) return 'cloudformation';
    // OpenAPI only when API Gateway extensions say it describes an API Gateway API; other OpenAPI is skipped.
    if (/^\s*["']?(openapi|swagger)["']?\s*:/m.test(head)) return text.includes('x-amazon-apigateway-') ? 'openapi' : undefined;
    return undefined;
  }
  if (/\.(tf|tfvars)$/.test(lower)) return 'terraform';
  // By content, whatever the name: `.conf` is also supervisord's and redis's extension, and
  // nginx-proxy vhost.d entries and `nginx -T` dumps often have none.
  if (NGINX_SNIFF.test(head) || /^# configuration file .+:$/m.test(head)) return 'nginx';
  return undefined;
}
