
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'lynx' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'lynx'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'lynx' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this lynx.toml instead of searching upward from the files or the working directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a new project: lynx.toml, an example tool with its handler and tests, a workflow calling it, .gitignore, a README and the JSON Schemas for editors')
            [CompletionResult]::new('tool:create', 'tool:create', [CompletionResultType]::ParameterValue, 'Scaffold a tool file and its handler (Python, Node, bash, a Python worker, an HTTP service, or a builtin) that validate, run and pass their own tests as generated')
            [CompletionResult]::new('workflow:create', 'workflow:create', [CompletionResultType]::ParameterValue, 'Scaffold a workflow from a template, or as a chain of the project''s tools (`--steps`)')
            [CompletionResult]::new('tool:validate', 'tool:validate', [CompletionResultType]::ParameterValue, 'Lint tool, workflow and lynx.toml files: JSON Schemas plus semantic rules, with exact line:col diagnostics. Exit 0 when clean, 1 on findings, 2 on a bad command line')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Lint tool, workflow and lynx.toml files: JSON Schemas plus semantic rules, with exact line:col diagnostics. Exit 0 when clean, 1 on findings, 2 on a bad command line')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the project''s tools over MCP: Streamable HTTP (default) or stdio')
            [CompletionResult]::new('tool:list', 'tool:list', [CompletionResultType]::ParameterValue, 'List the project''s tools as MCP clients see them')
            [CompletionResult]::new('tool:call', 'tool:call', [CompletionResultType]::ParameterValue, 'Call one tool through the same pipeline `lynx serve` uses, and print its result')
            [CompletionResult]::new('tool:test', 'tool:test', [CompletionResultType]::ParameterValue, 'Run the `tests:` cases of tool files; exit 1 if any fails, with a diff')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Load-test an MCP server (Streamable HTTP, stdio, or an in-process `lynx serve`) and report throughput, latency percentiles and errors by kind. Exit 1 when the validation call fails or a `--fail-if` budget is broken')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of a file kind (what editors use for completion and hover)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lynx;init' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Project name (default: the folder''s name). Its lowercase form is the example tool''s domain')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'What the example tool runs on')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format: the plan as lines (`human`) or as a JSON object (`json`)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: the plan as lines (`human`) or as a JSON object (`json`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this lynx.toml instead of searching upward from the files or the working directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (each path: create, skip, overwrite or conflict) and write nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite files that exist with other contents (only the files listed in the plan)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt: a missing value is an error naming its flag (also without a terminal, or when `CI` is set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lynx;tool:create' {
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Tool id, `<domain>.<layer>.<name…>` like `finance.domain.health.read` (the MCP tool name)')
            [CompletionResult]::new('--layer', '--layer', [CompletionResultType]::ParameterName, 'Layer (default: the id''s second segment; a different value is an error)')
            [CompletionResult]::new('--risk', '--risk', [CompletionResultType]::ParameterName, 'Risk level; `high` adds an `approval:` block')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Domain (default: the id''s first segment; a different value is an error)')
            [CompletionResult]::new('--title', '--title', [CompletionResultType]::ParameterName, 'Human title (default: from the id, `health.read` → "Health read")')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'What the tool does, for the model that calls it')
            [CompletionResult]::new('--handler', '--handler', [CompletionResultType]::ParameterName, 'How the tool runs')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Folder of the tool file, relative to the working directory; it must be inside the project (default: the folder `[project] tools` in lynx.toml loads, `tools`)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, '`--handler http` only: the URL lynx POSTs calls to (default: http://127.0.0.1:8080/)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format: the plan as lines (`human`) or as a JSON object (`json`)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: the plan as lines (`human`) or as a JSON object (`json`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this lynx.toml instead of searching upward from the files or the working directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'The tool only reads: sets `annotations.readOnlyHint` (and `idempotentHint`)')
            [CompletionResult]::new('--destructive', '--destructive', [CompletionResultType]::ParameterName, 'The tool destroys or overwrites data: sets `destructiveHint` and adds an `approval:` block')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (each path: create, skip, overwrite or conflict) and write nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite files that exist with other contents (only the files listed in the plan)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt: a missing value is an error naming its flag (also without a terminal, or when `CI` is set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lynx;workflow:create' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Workflow name, also its MCP tool name: lowercase letters, digits, `_`, `.`, `-`')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'Start from a ready-made workflow; the tools it calls are added as builtin stubs unless the project has them')
            [CompletionResult]::new('--steps', '--steps', [CompletionResultType]::ParameterName, 'Chain these tools of the project, in order; `with:` is filled from their `input_schema` (required properties become `{{ inputs.NAME }}`)')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'What the workflow does (default: from the template or the steps)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format: the plan as lines (`human`) or as a JSON object (`json`)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: the plan as lines (`human`) or as a JSON object (`json`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this lynx.toml instead of searching upward from the files or the working directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (each path: create, skip, overwrite or conflict) and write nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite files that exist with other contents (only the files listed in the plan)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt: a missing value is an error naming its flag (also without a terminal, or when `CI` is set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lynx;tool:validate' {
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Another way to name a path to check (repeatable)')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Treat every given file as this kind instead of guessing from its name and place')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Make warnings fail the run too (exit 1). Overrides `[lint] strict` in lynx.toml; `--strict=false` turns it off')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this lynx.toml instead of searching upward from the files or the working directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)')
            [CompletionResult]::new('--list-rules', '--list-rules', [CompletionResultType]::ParameterName, 'List the rules with their default severity and exit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lynx;validate' {
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Another way to name a path to check (repeatable)')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Treat every given file as this kind instead of guessing from its name and place')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Make warnings fail the run too (exit 1). Overrides `[lint] strict` in lynx.toml; `--strict=false` turns it off')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this lynx.toml instead of searching upward from the files or the working directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)')
            [CompletionResult]::new('--list-rules', '--list-rules', [CompletionResultType]::ParameterName, 'List the rules with their default severity and exit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lynx;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (default: `[server] listen` in lynx.toml, else 127.0.0.1:7878)')
            [CompletionResult]::new('--shutdown-timeout', '--shutdown-timeout', [CompletionResultType]::ParameterName, 'How long to let calls in flight finish after SIGTERM/SIGINT before cancelling them')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this lynx.toml instead of searching upward from the files or the working directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)')
            [CompletionResult]::new('--stdio', '--stdio', [CompletionResultType]::ParameterName, 'Speak MCP on stdin/stdout instead of HTTP (for clients that spawn the server)')
            [CompletionResult]::new('--allow-remote', '--allow-remote', [CompletionResultType]::ParameterName, 'Allow listening on a non-loopback address. There is no authentication yet: anyone who can reach the port can call every tool')
            [CompletionResult]::new('--no-watch', '--no-watch', [CompletionResultType]::ParameterName, 'Do not watch the project for changes (reload still happens on SIGHUP)')
            [CompletionResult]::new('--conformance-fixtures', '--conformance-fixtures', [CompletionResultType]::ParameterName, 'Also serve the fixture tools, resources and prompts that the official MCP conformance suite calls')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lynx;tool:list' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'List the tools of a running MCP server (any server, either protocol era) instead of the local project: its endpoint URL, e.g. http://127.0.0.1:7878/mcp (a URL without a path means `/mcp`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this lynx.toml instead of searching upward from the files or the working directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lynx;tool:call' {
            [CompletionResult]::new('--args', '--args', [CompletionResultType]::ParameterName, 'Arguments as a JSON object, or `@FILE` to read them from a file (`@-` for stdin)')
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Tenant to call as (passed to the handler in `context.tenant_id`)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User to call as (passed to the handler in `context.user_id`)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Call the tool on a running MCP server (any server, either protocol era) instead of in process: its endpoint URL, e.g. http://127.0.0.1:7878/mcp (a URL without a path means `/mcp`). The server decides who the caller is, so `--tenant`/`--user` do not apply')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format: the result''s output (`human`) or the MCP `tools/call` result (`json`)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: the result''s output (`human`) or the MCP `tools/call` result (`json`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this lynx.toml instead of searching upward from the files or the working directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lynx;tool:test' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this lynx.toml instead of searching upward from the files or the working directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lynx;bench' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The server''s Streamable HTTP endpoint, e.g. http://127.0.0.1:7878/mcp (a URL without a path means `/mcp`)')
            [CompletionResult]::new('--stdio', '--stdio', [CompletionResultType]::ParameterName, 'Spawn the server and speak MCP on its stdin/stdout: the command and its arguments as one string (quotes group words; no shell). One process per concurrent worker')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'Protocol era: probe like a real client (`auto`), or force one')
            [CompletionResult]::new('--tool', '--tool', [CompletionResultType]::ParameterName, 'Call this tool on every request')
            [CompletionResult]::new('--args', '--args', [CompletionResultType]::ParameterName, 'The tool''s arguments: a JSON object, or `@FILE` to read it from a file')
            [CompletionResult]::new('--mix', '--mix', [CompletionResultType]::ParameterName, 'A weighted list of calls (YAML or JSON), e.g. `[{tool: demo.echo, args: {message: hi}, weight: 3}, {method: tools/list}]`')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Send this method with empty params instead of a tool call, e.g. `tools/list`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Concurrent workers (connections, or server processes with `--stdio`); a comma-separated list runs one level per value, e.g. `-c 1,16,64`')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Concurrent workers (connections, or server processes with `--stdio`); a comma-separated list runs one level per value, e.g. `-c 1,16,64`')
            [CompletionResult]::new('--connections', '--connections', [CompletionResultType]::ParameterName, 'Concurrent workers (connections, or server processes with `--stdio`); a comma-separated list runs one level per value, e.g. `-c 1,16,64`')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Requests per level (after the warm-up). With `--duration` too, whichever ends first')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'Requests per level (after the warm-up). With `--duration` too, whichever ends first')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Length of each level''s measured window, e.g. `30s` (default 10s unless `-n` is given)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Length of each level''s measured window, e.g. `30s` (default 10s unless `-n` is given)')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Load before each level''s measured window, not counted, e.g. `2s`')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Open loop: send this many requests per second in all (spread over the workers) on a fixed schedule; latency counts from each request''s scheduled time')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request time limit; slower answers count as `timeout` errors')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--save-baseline', '--save-baseline', [CompletionResultType]::ParameterName, 'Write the results as JSON to FILE, as a baseline for `--compare`')
            [CompletionResult]::new('--compare', '--compare', [CompletionResultType]::ParameterName, 'Compare the results with a baseline written by `--save-baseline` (change per metric)')
            [CompletionResult]::new('--fail-if', '--fail-if', [CompletionResultType]::ParameterName, 'Exit 1 if any level breaks a budget: comma-separated conditions on rps, ok_rps (successes per second), p50, p90, p99, p99.9, max, min, mean, stddev, error_rate, errors, aborted — e.g. "p99>20ms,error_rate>0.1%,ok_rps<5000"; a latency budget on a level without successes is broken; a signed percentage is a change against the `--compare` baseline, e.g. "p99>+10%,rps<-5%"')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this lynx.toml instead of searching upward from the files or the working directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)')
            [CompletionResult]::new('--embedded', '--embedded', [CompletionResultType]::ParameterName, 'Bench an in-process `lynx serve` of the current project on a free loopback port (the server shares the machine''s cores with the generator)')
            [CompletionResult]::new('--histogram', '--histogram', [CompletionResultType]::ParameterName, 'Also print the latency distribution of each level')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lynx;schema' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this lynx.toml instead of searching upward from the files or the working directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lynx;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this lynx.toml instead of searching upward from the files or the working directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lynx;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a new project: lynx.toml, an example tool with its handler and tests, a workflow calling it, .gitignore, a README and the JSON Schemas for editors')
            [CompletionResult]::new('tool:create', 'tool:create', [CompletionResultType]::ParameterValue, 'Scaffold a tool file and its handler (Python, Node, bash, a Python worker, an HTTP service, or a builtin) that validate, run and pass their own tests as generated')
            [CompletionResult]::new('workflow:create', 'workflow:create', [CompletionResultType]::ParameterValue, 'Scaffold a workflow from a template, or as a chain of the project''s tools (`--steps`)')
            [CompletionResult]::new('tool:validate', 'tool:validate', [CompletionResultType]::ParameterValue, 'Lint tool, workflow and lynx.toml files: JSON Schemas plus semantic rules, with exact line:col diagnostics. Exit 0 when clean, 1 on findings, 2 on a bad command line')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the project''s tools over MCP: Streamable HTTP (default) or stdio')
            [CompletionResult]::new('tool:list', 'tool:list', [CompletionResultType]::ParameterValue, 'List the project''s tools as MCP clients see them')
            [CompletionResult]::new('tool:call', 'tool:call', [CompletionResultType]::ParameterValue, 'Call one tool through the same pipeline `lynx serve` uses, and print its result')
            [CompletionResult]::new('tool:test', 'tool:test', [CompletionResultType]::ParameterValue, 'Run the `tests:` cases of tool files; exit 1 if any fails, with a diff')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Load-test an MCP server (Streamable HTTP, stdio, or an in-process `lynx serve`) and report throughput, latency percentiles and errors by kind. Exit 1 when the validation call fails or a `--fail-if` budget is broken')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of a file kind (what editors use for completion and hover)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lynx;help;init' {
            break
        }
        'lynx;help;tool:create' {
            break
        }
        'lynx;help;workflow:create' {
            break
        }
        'lynx;help;tool:validate' {
            break
        }
        'lynx;help;serve' {
            break
        }
        'lynx;help;tool:list' {
            break
        }
        'lynx;help;tool:call' {
            break
        }
        'lynx;help;tool:test' {
            break
        }
        'lynx;help;bench' {
            break
        }
        'lynx;help;schema' {
            break
        }
        'lynx;help;completions' {
            break
        }
        'lynx;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
