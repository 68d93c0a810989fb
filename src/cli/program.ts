/** The corslint command line. Exit codes: 0 clean, 1 lint errors, 2 usage/config/internal failure. */
import { Command, CommanderError } from 'commander';
import { stdout } from './stdout.js';
import { UsageError } from './usage-error.js';
import { runLint, type LintCommandOptions } from './lint-command.js';

const VERSION = '0.1.0';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command();
  program
    .name('corslint')
    .description('Lint the CORS behaviour of nginx, API Gateway, CloudFront and S3 configurations')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => stdout().write(s), writeErr: (s) => process.stderr.write(s) })
    .argument('[paths...]', 'files, directories or globs to lint')
    .option('-f, --format <name>', 'output format: stylish, json, compact, sarif, github, gitlab, junit', 'stylish')
    .option('--max-warnings <n>', 'exit 1 when there are more than n warnings')
    .option('--quiet', 'report errors only')
    .option('--stdin', 'lint the text on standard input')
    .option('--stdin-filename <file>', 'the file name to use for --stdin (decides the source kind)')
    .option('--rule <id:severity>', 'set a rule severity: off, info, warning or error (repeatable)', collect)
    .option('-o, --output-file <file>', 'write the report to a file')
    .option('--color', 'force colour output')
    .option('--no-color', 'disable colour output')
    .option('-c, --config <file>', 'use this configuration file instead of searching for one')
    .option('--print-config <file>', 'print the configuration that applies to a file, and exit')
    .option('--fix', 'apply safe fixes to the files')
    .option('--fix-dry-run', 'compute fixes without writing; the fixed text is in the JSON `output`')
    .option('--baseline <file>', 'findings counted in this baseline file pass; new ones fail')
    .option('--baseline-write <file>', 'record the current findings in a baseline file')
    .option('--prune-baseline', 'lower the --baseline entries whose findings are gone (or fewer) to the current counts')
    .option('--pass-on-stale-baseline', 'do not fail (exit 2) on --baseline entries whose findings are gone')
    .option('--report-unused-disable-directives', 'report corslint-disable comments that suppress nothing (as errors)')
    .option('--aws <target>', 'lint live AWS configuration: rest-api:<id>[@stage], http-api:<id>, cloudfront:<distribution-id> (repeatable)', collect)
    .action(async (paths: string[], opts: LintCommandOptions) => {
      exitCode = await runLint(paths, opts);
    });

  // Root options are read only before a subcommand name, so `simulate --format json` reaches the subcommand.
  program.enablePositionalOptions();
  program
    .command('simulate')
    .description("Simulate a browser's CORS check for one request against the configuration, step by step")
    .argument('<paths...>', 'files, directories or globs holding the configuration')
    .option('--origin <origin>', 'the page origin (https://app.example.com, capacitor://localhost, null; none = no Origin)')
    .option('--method <method>', 'the request method as the script passes it')
    .option('--header <header>', "a request header the script sets: 'Name: value' or Name (repeatable)", collect)
    .option('--credentials', "credentials: 'include' (cookies, withCredentials)")
    .option('--url <url>', 'the request URL (chooses server and location)')
    .option('--path <path>', 'the request path, when no --url')
    .option('--host <host>', 'the Host (with --path)')
    .option('--mode <mode>', 'spec (the Fetch standard) or browsers (Chrome, Firefox, Safari today)', 'browsers')
    .option('--format <format>', 'text or json', 'text')
    .option('--color', 'force colour output')
    .option('--no-color', 'disable colour output')
    .action(async (paths: string[], opts: import('./simulate-command.js').SimulateCommandOptions) => {
      stdout();
      const { runSimulate } = await import('./simulate-command.js');
      exitCode = await runSimulate(paths, opts);
    });

  program
    .command('rules')
    .description('List every rule with its default severity')
    .option('-f, --format <name>', 'text or json', 'text')
    .action(async (opts: { format?: string }) => {
      stdout();
      exitCode = (await import('./rules-command.js')).runRules(opts);
    });
  program
    .command('explain')
    .description("Print a rule's documentation")
    .argument('<rule>', 'rule ID, e.g. reflected-origin')
    .action(async (id: string) => {
      stdout();
      exitCode = (await import('./rules-command.js')).runExplain(id);
    });
  program
    .command('lsp')
    .description('Run the language server (diagnostics and fixes for editors)')
    .option('--stdio', 'talk JSON-RPC over stdin/stdout (the default)')
    .action(async () => {
      stdout();
      exitCode = await (await import('../lsp/server.js')).runLanguageServer();
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`corslint: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`corslint: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return 2;
  }
  return exitCode;
}

