
use builtin;
use str;

set edit:completion:arg-completer[lynx] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'lynx'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'lynx'= {
            cand --config 'Use this lynx.toml instead of searching upward from the files or the working directory'
            cand --color 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create a new project: lynx.toml, an example tool with its handler and tests, a workflow calling it, .gitignore, a README and the JSON Schemas for editors'
            cand tool:create 'Scaffold a tool file and its handler (Python, Node, bash, a Python worker, an HTTP service, or a builtin) that validate, run and pass their own tests as generated'
            cand workflow:create 'Scaffold a workflow from a template, or as a chain of the project''s tools (`--steps`)'
            cand tool:validate 'Lint tool, workflow and lynx.toml files: JSON Schemas plus semantic rules, with exact line:col diagnostics. Exit 0 when clean, 1 on findings, 2 on a bad command line'
            cand validate 'Lint tool, workflow and lynx.toml files: JSON Schemas plus semantic rules, with exact line:col diagnostics. Exit 0 when clean, 1 on findings, 2 on a bad command line'
            cand serve 'Serve the project''s tools over MCP: Streamable HTTP (default) or stdio'
            cand tool:list 'List the project''s tools as MCP clients see them'
            cand tool:call 'Call one tool through the same pipeline `lynx serve` uses, and print its result'
            cand tool:test 'Run the `tests:` cases of tool files; exit 1 if any fails, with a diff'
            cand bench 'Load-test an MCP server (Streamable HTTP, stdio, or an in-process `lynx serve`) and report throughput, latency percentiles and errors by kind. Exit 1 when the validation call fails or a `--fail-if` budget is broken'
            cand schema 'Print the JSON Schema of a file kind (what editors use for completion and hover)'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lynx;init'= {
            cand --name 'Project name (default: the folder''s name). Its lowercase form is the example tool''s domain'
            cand --template 'What the example tool runs on'
            cand -f 'Output format: the plan as lines (`human`) or as a JSON object (`json`)'
            cand --format 'Output format: the plan as lines (`human`) or as a JSON object (`json`)'
            cand --config 'Use this lynx.toml instead of searching upward from the files or the working directory'
            cand --color 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)'
            cand --dry-run 'Print the plan (each path: create, skip, overwrite or conflict) and write nothing'
            cand --force 'Overwrite files that exist with other contents (only the files listed in the plan)'
            cand --no-input 'Never prompt: a missing value is an error naming its flag (also without a terminal, or when `CI` is set)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lynx;tool:create'= {
            cand --id 'Tool id, `<domain>.<layer>.<name…>` like `finance.domain.health.read` (the MCP tool name)'
            cand --layer 'Layer (default: the id''s second segment; a different value is an error)'
            cand --risk 'Risk level; `high` adds an `approval:` block'
            cand --domain 'Domain (default: the id''s first segment; a different value is an error)'
            cand --title 'Human title (default: from the id, `health.read` → "Health read")'
            cand --description 'What the tool does, for the model that calls it'
            cand --handler 'How the tool runs'
            cand --dir 'Folder of the tool file, relative to the working directory; it must be inside the project (default: the folder `[project] tools` in lynx.toml loads, `tools`)'
            cand --url '`--handler http` only: the URL lynx POSTs calls to (default: http://127.0.0.1:8080/)'
            cand -f 'Output format: the plan as lines (`human`) or as a JSON object (`json`)'
            cand --format 'Output format: the plan as lines (`human`) or as a JSON object (`json`)'
            cand --config 'Use this lynx.toml instead of searching upward from the files or the working directory'
            cand --color 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)'
            cand --read-only 'The tool only reads: sets `annotations.readOnlyHint` (and `idempotentHint`)'
            cand --destructive 'The tool destroys or overwrites data: sets `destructiveHint` and adds an `approval:` block'
            cand --dry-run 'Print the plan (each path: create, skip, overwrite or conflict) and write nothing'
            cand --force 'Overwrite files that exist with other contents (only the files listed in the plan)'
            cand --no-input 'Never prompt: a missing value is an error naming its flag (also without a terminal, or when `CI` is set)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lynx;workflow:create'= {
            cand --name 'Workflow name, also its MCP tool name: lowercase letters, digits, `_`, `.`, `-`'
            cand --template 'Start from a ready-made workflow; the tools it calls are added as builtin stubs unless the project has them'
            cand --steps 'Chain these tools of the project, in order; `with:` is filled from their `input_schema` (required properties become `{{ inputs.NAME }}`)'
            cand --description 'What the workflow does (default: from the template or the steps)'
            cand -f 'Output format: the plan as lines (`human`) or as a JSON object (`json`)'
            cand --format 'Output format: the plan as lines (`human`) or as a JSON object (`json`)'
            cand --config 'Use this lynx.toml instead of searching upward from the files or the working directory'
            cand --color 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)'
            cand --dry-run 'Print the plan (each path: create, skip, overwrite or conflict) and write nothing'
            cand --force 'Overwrite files that exist with other contents (only the files listed in the plan)'
            cand --no-input 'Never prompt: a missing value is an error naming its flag (also without a terminal, or when `CI` is set)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lynx;tool:validate'= {
            cand --path 'Another way to name a path to check (repeatable)'
            cand --kind 'Treat every given file as this kind instead of guessing from its name and place'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --strict 'Make warnings fail the run too (exit 1). Overrides `[lint] strict` in lynx.toml; `--strict=false` turns it off'
            cand --config 'Use this lynx.toml instead of searching upward from the files or the working directory'
            cand --color 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)'
            cand --list-rules 'List the rules with their default severity and exit'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lynx;validate'= {
            cand --path 'Another way to name a path to check (repeatable)'
            cand --kind 'Treat every given file as this kind instead of guessing from its name and place'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --strict 'Make warnings fail the run too (exit 1). Overrides `[lint] strict` in lynx.toml; `--strict=false` turns it off'
            cand --config 'Use this lynx.toml instead of searching upward from the files or the working directory'
            cand --color 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)'
            cand --list-rules 'List the rules with their default severity and exit'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lynx;serve'= {
            cand --listen 'Address to listen on (default: `[server] listen` in lynx.toml, else 127.0.0.1:7878)'
            cand --shutdown-timeout 'How long to let calls in flight finish after SIGTERM/SIGINT before cancelling them'
            cand --config 'Use this lynx.toml instead of searching upward from the files or the working directory'
            cand --color 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)'
            cand --stdio 'Speak MCP on stdin/stdout instead of HTTP (for clients that spawn the server)'
            cand --allow-remote 'Allow listening on a non-loopback address. There is no authentication yet: anyone who can reach the port can call every tool'
            cand --no-watch 'Do not watch the project for changes (reload still happens on SIGHUP)'
            cand --conformance-fixtures 'Also serve the fixture tools, resources and prompts that the official MCP conformance suite calls'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lynx;tool:list'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand --server 'List the tools of a running MCP server (any server, either protocol era) instead of the local project: its endpoint URL, e.g. http://127.0.0.1:7878/mcp (a URL without a path means `/mcp`)'
            cand --config 'Use this lynx.toml instead of searching upward from the files or the working directory'
            cand --color 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lynx;tool:call'= {
            cand --args 'Arguments as a JSON object, or `@FILE` to read them from a file (`@-` for stdin)'
            cand --tenant 'Tenant to call as (passed to the handler in `context.tenant_id`)'
            cand --user 'User to call as (passed to the handler in `context.user_id`)'
            cand --server 'Call the tool on a running MCP server (any server, either protocol era) instead of in process: its endpoint URL, e.g. http://127.0.0.1:7878/mcp (a URL without a path means `/mcp`). The server decides who the caller is, so `--tenant`/`--user` do not apply'
            cand -f 'Output format: the result''s output (`human`) or the MCP `tools/call` result (`json`)'
            cand --format 'Output format: the result''s output (`human`) or the MCP `tools/call` result (`json`)'
            cand --config 'Use this lynx.toml instead of searching upward from the files or the working directory'
            cand --color 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lynx;tool:test'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand --config 'Use this lynx.toml instead of searching upward from the files or the working directory'
            cand --color 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lynx;bench'= {
            cand --url 'The server''s Streamable HTTP endpoint, e.g. http://127.0.0.1:7878/mcp (a URL without a path means `/mcp`)'
            cand --stdio 'Spawn the server and speak MCP on its stdin/stdout: the command and its arguments as one string (quotes group words; no shell). One process per concurrent worker'
            cand --protocol 'Protocol era: probe like a real client (`auto`), or force one'
            cand --tool 'Call this tool on every request'
            cand --args 'The tool''s arguments: a JSON object, or `@FILE` to read it from a file'
            cand --mix 'A weighted list of calls (YAML or JSON), e.g. `[{tool: demo.echo, args: {message: hi}, weight: 3}, {method: tools/list}]`'
            cand --method 'Send this method with empty params instead of a tool call, e.g. `tools/list`'
            cand -c 'Concurrent workers (connections, or server processes with `--stdio`); a comma-separated list runs one level per value, e.g. `-c 1,16,64`'
            cand --concurrency 'Concurrent workers (connections, or server processes with `--stdio`); a comma-separated list runs one level per value, e.g. `-c 1,16,64`'
            cand --connections 'Concurrent workers (connections, or server processes with `--stdio`); a comma-separated list runs one level per value, e.g. `-c 1,16,64`'
            cand -n 'Requests per level (after the warm-up). With `--duration` too, whichever ends first'
            cand --requests 'Requests per level (after the warm-up). With `--duration` too, whichever ends first'
            cand -d 'Length of each level''s measured window, e.g. `30s` (default 10s unless `-n` is given)'
            cand --duration 'Length of each level''s measured window, e.g. `30s` (default 10s unless `-n` is given)'
            cand --warmup 'Load before each level''s measured window, not counted, e.g. `2s`'
            cand --rate 'Open loop: send this many requests per second in all (spread over the workers) on a fixed schedule; latency counts from each request''s scheduled time'
            cand --timeout 'Per-request time limit; slower answers count as `timeout` errors'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --save-baseline 'Write the results as JSON to FILE, as a baseline for `--compare`'
            cand --compare 'Compare the results with a baseline written by `--save-baseline` (change per metric)'
            cand --fail-if 'Exit 1 if any level breaks a budget: comma-separated conditions on rps, ok_rps (successes per second), p50, p90, p99, p99.9, max, min, mean, stddev, error_rate, errors, aborted — e.g. "p99>20ms,error_rate>0.1%,ok_rps<5000"; a latency budget on a level without successes is broken; a signed percentage is a change against the `--compare` baseline, e.g. "p99>+10%,rps<-5%"'
            cand --config 'Use this lynx.toml instead of searching upward from the files or the working directory'
            cand --color 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)'
            cand --embedded 'Bench an in-process `lynx serve` of the current project on a free loopback port (the server shares the machine''s cores with the generator)'
            cand --histogram 'Also print the latency distribution of each level'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lynx;schema'= {
            cand --config 'Use this lynx.toml instead of searching upward from the files or the working directory'
            cand --color 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lynx;completions'= {
            cand --config 'Use this lynx.toml instead of searching upward from the files or the working directory'
            cand --color 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lynx;help'= {
            cand init 'Create a new project: lynx.toml, an example tool with its handler and tests, a workflow calling it, .gitignore, a README and the JSON Schemas for editors'
            cand tool:create 'Scaffold a tool file and its handler (Python, Node, bash, a Python worker, an HTTP service, or a builtin) that validate, run and pass their own tests as generated'
            cand workflow:create 'Scaffold a workflow from a template, or as a chain of the project''s tools (`--steps`)'
            cand tool:validate 'Lint tool, workflow and lynx.toml files: JSON Schemas plus semantic rules, with exact line:col diagnostics. Exit 0 when clean, 1 on findings, 2 on a bad command line'
            cand serve 'Serve the project''s tools over MCP: Streamable HTTP (default) or stdio'
            cand tool:list 'List the project''s tools as MCP clients see them'
            cand tool:call 'Call one tool through the same pipeline `lynx serve` uses, and print its result'
            cand tool:test 'Run the `tests:` cases of tool files; exit 1 if any fails, with a diff'
            cand bench 'Load-test an MCP server (Streamable HTTP, stdio, or an in-process `lynx serve`) and report throughput, latency percentiles and errors by kind. Exit 1 when the validation call fails or a `--fail-if` budget is broken'
            cand schema 'Print the JSON Schema of a file kind (what editors use for completion and hover)'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lynx;help;init'= {
        }
        &'lynx;help;tool:create'= {
        }
        &'lynx;help;workflow:create'= {
        }
        &'lynx;help;tool:validate'= {
        }
        &'lynx;help;serve'= {
        }
        &'lynx;help;tool:list'= {
        }
        &'lynx;help;tool:call'= {
        }
        &'lynx;help;tool:test'= {
        }
        &'lynx;help;bench'= {
        }
        &'lynx;help;schema'= {
        }
        &'lynx;help;completions'= {
        }
        &'lynx;help;help'= {
        }
    ]
    $completions[$command]
}
