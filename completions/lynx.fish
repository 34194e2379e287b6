# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_lynx_global_optspecs
    string join \n config= color= h/help V/version
end

function __fish_lynx_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_lynx_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_lynx_using_subcommand
    set -l cmd (__fish_lynx_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c lynx -n "__fish_lynx_needs_command" -l config -d 'Use this lynx.toml instead of searching upward from the files or the working directory' -r -F
complete -c lynx -n "__fish_lynx_needs_command" -l color -d 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lynx -n "__fish_lynx_needs_command" -s h -l help -d 'Print help'
complete -c lynx -n "__fish_lynx_needs_command" -s V -l version -d 'Print version'
complete -c lynx -n "__fish_lynx_needs_command" -f -a "init" -d 'Create a new project: lynx.toml, an example tool with its handler and tests, a workflow calling it, .gitignore, a README and the JSON Schemas for editors'
complete -c lynx -n "__fish_lynx_needs_command" -f -a "tool:create" -d 'Scaffold a tool file and its handler (Python, Node, bash, a Python worker, an HTTP service, or a builtin) that validate, run and pass their own tests as generated'
complete -c lynx -n "__fish_lynx_needs_command" -f -a "workflow:create" -d 'Scaffold a workflow from a template, or as a chain of the project\'s tools (`--steps`)'
complete -c lynx -n "__fish_lynx_needs_command" -f -a "tool:validate" -d 'Lint tool, workflow and lynx.toml files: JSON Schemas plus semantic rules, with exact line:col diagnostics. Exit 0 when clean, 1 on findings, 2 on a bad command line'
complete -c lynx -n "__fish_lynx_needs_command" -f -a "validate" -d 'Lint tool, workflow and lynx.toml files: JSON Schemas plus semantic rules, with exact line:col diagnostics. Exit 0 when clean, 1 on findings, 2 on a bad command line'
complete -c lynx -n "__fish_lynx_needs_command" -f -a "serve" -d 'Serve the project\'s tools over MCP: Streamable HTTP (default) or stdio'
complete -c lynx -n "__fish_lynx_needs_command" -f -a "tool:list" -d 'List the project\'s tools as MCP clients see them'
complete -c lynx -n "__fish_lynx_needs_command" -f -a "tool:call" -d 'Call one tool through the same pipeline `lynx serve` uses, and print its result'
complete -c lynx -n "__fish_lynx_needs_command" -f -a "tool:test" -d 'Run the `tests:` cases of tool files; exit 1 if any fails, with a diff'
complete -c lynx -n "__fish_lynx_needs_command" -f -a "bench" -d 'Load-test an MCP server (Streamable HTTP, stdio, or an in-process `lynx serve`) and report throughput, latency percentiles and errors by kind. Exit 1 when the validation call fails or a `--fail-if` budget is broken'
complete -c lynx -n "__fish_lynx_needs_command" -f -a "schema" -d 'Print the JSON Schema of a file kind (what editors use for completion and hover)'
complete -c lynx -n "__fish_lynx_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c lynx -n "__fish_lynx_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lynx -n "__fish_lynx_using_subcommand init" -l name -d 'Project name (default: the folder\'s name). Its lowercase form is the example tool\'s domain' -r
complete -c lynx -n "__fish_lynx_using_subcommand init" -l template -d 'What the example tool runs on' -r -f -a "minimal\t'A builtin `echo` tool: runs with nothing but lynx installed'
python\t'A Python `exec` handler (standard library only)'
node\t'A Node.js `exec` handler (no npm packages)'"
complete -c lynx -n "__fish_lynx_using_subcommand init" -s f -l format -d 'Output format: the plan as lines (`human`) or as a JSON object (`json`)' -r -f -a "human\t''
json\t''"
complete -c lynx -n "__fish_lynx_using_subcommand init" -l config -d 'Use this lynx.toml instead of searching upward from the files or the working directory' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand init" -l color -d 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lynx -n "__fish_lynx_using_subcommand init" -l dry-run -d 'Print the plan (each path: create, skip, overwrite or conflict) and write nothing'
complete -c lynx -n "__fish_lynx_using_subcommand init" -l force -d 'Overwrite files that exist with other contents (only the files listed in the plan)'
complete -c lynx -n "__fish_lynx_using_subcommand init" -l no-input -d 'Never prompt: a missing value is an error naming its flag (also without a terminal, or when `CI` is set)'
complete -c lynx -n "__fish_lynx_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lynx -n "__fish_lynx_using_subcommand init" -s V -l version -d 'Print version'
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l id -d 'Tool id, `<domain>.<layer>.<name…>` like `finance.domain.health.read` (the MCP tool name)' -r
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l layer -d 'Layer (default: the id\'s second segment; a different value is an error)' -r -f -a "domain\t''
cluster\t''
cell\t''"
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l risk -d 'Risk level; `high` adds an `approval:` block' -r -f -a "low\t''
medium\t''
high\t''"
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l domain -d 'Domain (default: the id\'s first segment; a different value is an error)' -r
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l title -d 'Human title (default: from the id, `health.read` → "Health read")' -r
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l description -d 'What the tool does, for the model that calls it' -r
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l handler -d 'How the tool runs' -r -f -a "python\t'`exec`: a Python script run once per call (stdlib only)'
python-worker\t'`worker`: a long-lived Python process answering JSON lines (stdlib only)'
node\t'`exec`: a Node.js script run once per call (no npm packages)'
bash\t'`exec`: a bash script run once per call (uses `jq` when installed)'
http\t'`http`: lynx POSTs each call to a URL; a stdlib Python service is generated beside it'
builtin\t'`builtin` echo: needs no runtime; a placeholder to replace'"
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l dir -d 'Folder of the tool file, relative to the working directory; it must be inside the project (default: the folder `[project] tools` in lynx.toml loads, `tools`)' -r
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l url -d '`--handler http` only: the URL lynx POSTs calls to (default: http://127.0.0.1:8080/)' -r
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -s f -l format -d 'Output format: the plan as lines (`human`) or as a JSON object (`json`)' -r -f -a "human\t''
json\t''"
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l config -d 'Use this lynx.toml instead of searching upward from the files or the working directory' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l color -d 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l read-only -d 'The tool only reads: sets `annotations.readOnlyHint` (and `idempotentHint`)'
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l destructive -d 'The tool destroys or overwrites data: sets `destructiveHint` and adds an `approval:` block'
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l dry-run -d 'Print the plan (each path: create, skip, overwrite or conflict) and write nothing'
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l force -d 'Overwrite files that exist with other contents (only the files listed in the plan)'
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -l no-input -d 'Never prompt: a missing value is an error naming its flag (also without a terminal, or when `CI` is set)'
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lynx -n "__fish_lynx_using_subcommand tool:create" -s V -l version -d 'Print version'
complete -c lynx -n "__fish_lynx_using_subcommand workflow:create" -l name -d 'Workflow name, also its MCP tool name: lowercase letters, digits, `_`, `.`, `-`' -r
complete -c lynx -n "__fish_lynx_using_subcommand workflow:create" -l template -d 'Start from a ready-made workflow; the tools it calls are added as builtin stubs unless the project has them' -r -f -a "ci-cd\t'Build, test, then deploy when the tests pass'
backup\t'Snapshot a database, upload the snapshot, verify the copy'
security-audit\t'Scan dependencies and secrets in parallel, then compile a report'
incident-response\t'Diagnose a service, restart it for severe incidents (approved), post a status update'
perf-investigation\t'Query metrics and traces in parallel, then analyse the bottleneck'
content-deployment\t'Build a site, publish it to the CDN, purge the CDN cache'
approval-chain\t'A reviewer, then a manager approve a request before it is carried out'
fan-out\t'One call per item of a list in parallel (`for_each`), then collect the results'"
complete -c lynx -n "__fish_lynx_using_subcommand workflow:create" -l steps -d 'Chain these tools of the project, in order; `with:` is filled from their `input_schema` (required properties become `{{ inputs.NAME }}`)' -r
complete -c lynx -n "__fish_lynx_using_subcommand workflow:create" -l description -d 'What the workflow does (default: from the template or the steps)' -r
complete -c lynx -n "__fish_lynx_using_subcommand workflow:create" -s f -l format -d 'Output format: the plan as lines (`human`) or as a JSON object (`json`)' -r -f -a "human\t''
json\t''"
complete -c lynx -n "__fish_lynx_using_subcommand workflow:create" -l config -d 'Use this lynx.toml instead of searching upward from the files or the working directory' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand workflow:create" -l color -d 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lynx -n "__fish_lynx_using_subcommand workflow:create" -l dry-run -d 'Print the plan (each path: create, skip, overwrite or conflict) and write nothing'
complete -c lynx -n "__fish_lynx_using_subcommand workflow:create" -l force -d 'Overwrite files that exist with other contents (only the files listed in the plan)'
complete -c lynx -n "__fish_lynx_using_subcommand workflow:create" -l no-input -d 'Never prompt: a missing value is an error naming its flag (also without a terminal, or when `CI` is set)'
complete -c lynx -n "__fish_lynx_using_subcommand workflow:create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lynx -n "__fish_lynx_using_subcommand workflow:create" -s V -l version -d 'Print version'
complete -c lynx -n "__fish_lynx_using_subcommand tool:validate" -l path -d 'Another way to name a path to check (repeatable)' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand tool:validate" -l kind -d 'Treat every given file as this kind instead of guessing from its name and place' -r -f -a "tool\t''
workflow\t''
config\t''"
complete -c lynx -n "__fish_lynx_using_subcommand tool:validate" -s f -l format -d 'Output format' -r -f -a "human\t'Source snippets with carets, for people'
json\t'Stable JSON document (see docs/output-formats.md)'
sarif\t'SARIF 2.1.0, for GitHub code scanning and other SARIF viewers'
github\t'GitHub Actions workflow commands (inline annotations on pull requests)'
junit\t'JUnit XML, one test case per checked file'"
complete -c lynx -n "__fish_lynx_using_subcommand tool:validate" -l strict -d 'Make warnings fail the run too (exit 1). Overrides `[lint] strict` in lynx.toml; `--strict=false` turns it off' -r -f -a "true\t''
false\t''"
complete -c lynx -n "__fish_lynx_using_subcommand tool:validate" -l config -d 'Use this lynx.toml instead of searching upward from the files or the working directory' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand tool:validate" -l color -d 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lynx -n "__fish_lynx_using_subcommand tool:validate" -l list-rules -d 'List the rules with their default severity and exit'
complete -c lynx -n "__fish_lynx_using_subcommand tool:validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lynx -n "__fish_lynx_using_subcommand tool:validate" -s V -l version -d 'Print version'
complete -c lynx -n "__fish_lynx_using_subcommand validate" -l path -d 'Another way to name a path to check (repeatable)' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand validate" -l kind -d 'Treat every given file as this kind instead of guessing from its name and place' -r -f -a "tool\t''
workflow\t''
config\t''"
complete -c lynx -n "__fish_lynx_using_subcommand validate" -s f -l format -d 'Output format' -r -f -a "human\t'Source snippets with carets, for people'
json\t'Stable JSON document (see docs/output-formats.md)'
sarif\t'SARIF 2.1.0, for GitHub code scanning and other SARIF viewers'
github\t'GitHub Actions workflow commands (inline annotations on pull requests)'
junit\t'JUnit XML, one test case per checked file'"
complete -c lynx -n "__fish_lynx_using_subcommand validate" -l strict -d 'Make warnings fail the run too (exit 1). Overrides `[lint] strict` in lynx.toml; `--strict=false` turns it off' -r -f -a "true\t''
false\t''"
complete -c lynx -n "__fish_lynx_using_subcommand validate" -l config -d 'Use this lynx.toml instead of searching upward from the files or the working directory' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand validate" -l color -d 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lynx -n "__fish_lynx_using_subcommand validate" -l list-rules -d 'List the rules with their default severity and exit'
complete -c lynx -n "__fish_lynx_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lynx -n "__fish_lynx_using_subcommand validate" -s V -l version -d 'Print version'
complete -c lynx -n "__fish_lynx_using_subcommand serve" -l listen -d 'Address to listen on (default: `[server] listen` in lynx.toml, else 127.0.0.1:7878)' -r
complete -c lynx -n "__fish_lynx_using_subcommand serve" -l shutdown-timeout -d 'How long to let calls in flight finish after SIGTERM/SIGINT before cancelling them' -r
complete -c lynx -n "__fish_lynx_using_subcommand serve" -l config -d 'Use this lynx.toml instead of searching upward from the files or the working directory' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand serve" -l color -d 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lynx -n "__fish_lynx_using_subcommand serve" -l stdio -d 'Speak MCP on stdin/stdout instead of HTTP (for clients that spawn the server)'
complete -c lynx -n "__fish_lynx_using_subcommand serve" -l allow-remote -d 'Allow listening on a non-loopback address. There is no authentication yet: anyone who can reach the port can call every tool'
complete -c lynx -n "__fish_lynx_using_subcommand serve" -l no-watch -d 'Do not watch the project for changes (reload still happens on SIGHUP)'
complete -c lynx -n "__fish_lynx_using_subcommand serve" -l conformance-fixtures -d 'Also serve the fixture tools, resources and prompts that the official MCP conformance suite calls'
complete -c lynx -n "__fish_lynx_using_subcommand serve" -s h -l help -d 'Print help'
complete -c lynx -n "__fish_lynx_using_subcommand serve" -s V -l version -d 'Print version'
complete -c lynx -n "__fish_lynx_using_subcommand tool:list" -s f -l format -d 'Output format' -r -f -a "human\t''
json\t''"
complete -c lynx -n "__fish_lynx_using_subcommand tool:list" -l server -d 'List the tools of a running MCP server (any server, either protocol era) instead of the local project: its endpoint URL, e.g. http://127.0.0.1:7878/mcp (a URL without a path means `/mcp`)' -r
complete -c lynx -n "__fish_lynx_using_subcommand tool:list" -l config -d 'Use this lynx.toml instead of searching upward from the files or the working directory' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand tool:list" -l color -d 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lynx -n "__fish_lynx_using_subcommand tool:list" -s h -l help -d 'Print help'
complete -c lynx -n "__fish_lynx_using_subcommand tool:list" -s V -l version -d 'Print version'
complete -c lynx -n "__fish_lynx_using_subcommand tool:call" -l args -d 'Arguments as a JSON object, or `@FILE` to read them from a file (`@-` for stdin)' -r
complete -c lynx -n "__fish_lynx_using_subcommand tool:call" -l tenant -d 'Tenant to call as (passed to the handler in `context.tenant_id`)' -r
complete -c lynx -n "__fish_lynx_using_subcommand tool:call" -l user -d 'User to call as (passed to the handler in `context.user_id`)' -r
complete -c lynx -n "__fish_lynx_using_subcommand tool:call" -l server -d 'Call the tool on a running MCP server (any server, either protocol era) instead of in process: its endpoint URL, e.g. http://127.0.0.1:7878/mcp (a URL without a path means `/mcp`). The server decides who the caller is, so `--tenant`/`--user` do not apply' -r
complete -c lynx -n "__fish_lynx_using_subcommand tool:call" -s f -l format -d 'Output format: the result\'s output (`human`) or the MCP `tools/call` result (`json`)' -r -f -a "human\t''
json\t''"
complete -c lynx -n "__fish_lynx_using_subcommand tool:call" -l config -d 'Use this lynx.toml instead of searching upward from the files or the working directory' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand tool:call" -l color -d 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lynx -n "__fish_lynx_using_subcommand tool:call" -s h -l help -d 'Print help'
complete -c lynx -n "__fish_lynx_using_subcommand tool:call" -s V -l version -d 'Print version'
complete -c lynx -n "__fish_lynx_using_subcommand tool:test" -s f -l format -d 'Output format' -r -f -a "human\t''
json\t''
junit\t''"
complete -c lynx -n "__fish_lynx_using_subcommand tool:test" -l config -d 'Use this lynx.toml instead of searching upward from the files or the working directory' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand tool:test" -l color -d 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lynx -n "__fish_lynx_using_subcommand tool:test" -s h -l help -d 'Print help'
complete -c lynx -n "__fish_lynx_using_subcommand tool:test" -s V -l version -d 'Print version'
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l url -d 'The server\'s Streamable HTTP endpoint, e.g. http://127.0.0.1:7878/mcp (a URL without a path means `/mcp`)' -r
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l stdio -d 'Spawn the server and speak MCP on its stdin/stdout: the command and its arguments as one string (quotes group words; no shell). One process per concurrent worker' -r
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l protocol -d 'Protocol era: probe like a real client (`auto`), or force one' -r -f -a "auto\t'Probe with `server/discover`, fall back to the `initialize` handshake (like a real client)'
2026-07-28\t'The stateless era: no session, the `_meta` envelope and `Mcp-*` headers on every request'
2025-11-25\t'The handshake era: one session per connection, set up before the measured window'
2025-06-18\t'The handshake era, asking for 2025-06-18'"
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l tool -d 'Call this tool on every request' -r
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l args -d 'The tool\'s arguments: a JSON object, or `@FILE` to read it from a file' -r
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l mix -d 'A weighted list of calls (YAML or JSON), e.g. `[{tool: demo.echo, args: {message: hi}, weight: 3}, {method: tools/list}]`' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l method -d 'Send this method with empty params instead of a tool call, e.g. `tools/list`' -r
complete -c lynx -n "__fish_lynx_using_subcommand bench" -s c -l concurrency -l connections -d 'Concurrent workers (connections, or server processes with `--stdio`); a comma-separated list runs one level per value, e.g. `-c 1,16,64`' -r
complete -c lynx -n "__fish_lynx_using_subcommand bench" -s n -l requests -d 'Requests per level (after the warm-up). With `--duration` too, whichever ends first' -r
complete -c lynx -n "__fish_lynx_using_subcommand bench" -s d -l duration -d 'Length of each level\'s measured window, e.g. `30s` (default 10s unless `-n` is given)' -r
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l warmup -d 'Load before each level\'s measured window, not counted, e.g. `2s`' -r
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l rate -d 'Open loop: send this many requests per second in all (spread over the workers) on a fixed schedule; latency counts from each request\'s scheduled time' -r
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l timeout -d 'Per-request time limit; slower answers count as `timeout` errors' -r
complete -c lynx -n "__fish_lynx_using_subcommand bench" -s f -l format -d 'Output format' -r -f -a "human\t''
json\t''"
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l save-baseline -d 'Write the results as JSON to FILE, as a baseline for `--compare`' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l compare -d 'Compare the results with a baseline written by `--save-baseline` (change per metric)' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l fail-if -d 'Exit 1 if any level breaks a budget: comma-separated conditions on rps, ok_rps (successes per second), p50, p90, p99, p99.9, max, min, mean, stddev, error_rate, errors, aborted — e.g. "p99>20ms,error_rate>0.1%,ok_rps<5000"; a latency budget on a level without successes is broken; a signed percentage is a change against the `--compare` baseline, e.g. "p99>+10%,rps<-5%"' -r
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l config -d 'Use this lynx.toml instead of searching upward from the files or the working directory' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l color -d 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l embedded -d 'Bench an in-process `lynx serve` of the current project on a free loopback port (the server shares the machine\'s cores with the generator)'
complete -c lynx -n "__fish_lynx_using_subcommand bench" -l histogram -d 'Also print the latency distribution of each level'
complete -c lynx -n "__fish_lynx_using_subcommand bench" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lynx -n "__fish_lynx_using_subcommand bench" -s V -l version -d 'Print version'
complete -c lynx -n "__fish_lynx_using_subcommand schema" -l config -d 'Use this lynx.toml instead of searching upward from the files or the working directory' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand schema" -l color -d 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lynx -n "__fish_lynx_using_subcommand schema" -s h -l help -d 'Print help'
complete -c lynx -n "__fish_lynx_using_subcommand schema" -s V -l version -d 'Print version'
complete -c lynx -n "__fish_lynx_using_subcommand completions" -l config -d 'Use this lynx.toml instead of searching upward from the files or the working directory' -r -F
complete -c lynx -n "__fish_lynx_using_subcommand completions" -l color -d 'When to colour output (`auto` honours NO_COLOR and whether output is a terminal)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lynx -n "__fish_lynx_using_subcommand completions" -s h -l help -d 'Print help'
complete -c lynx -n "__fish_lynx_using_subcommand completions" -s V -l version -d 'Print version'
complete -c lynx -n "__fish_lynx_using_subcommand help; and not __fish_seen_subcommand_from init tool:create workflow:create tool:validate serve tool:list tool:call tool:test bench schema completions help" -f -a "init" -d 'Create a new project: lynx.toml, an example tool with its handler and tests, a workflow calling it, .gitignore, a README and the JSON Schemas for editors'
complete -c lynx -n "__fish_lynx_using_subcommand help; and not __fish_seen_subcommand_from init tool:create workflow:create tool:validate serve tool:list tool:call tool:test bench schema completions help" -f -a "tool:create" -d 'Scaffold a tool file and its handler (Python, Node, bash, a Python worker, an HTTP service, or a builtin) that validate, run and pass their own tests as generated'
complete -c lynx -n "__fish_lynx_using_subcommand help; and not __fish_seen_subcommand_from init tool:create workflow:create tool:validate serve tool:list tool:call tool:test bench schema completions help" -f -a "workflow:create" -d 'Scaffold a workflow from a template, or as a chain of the project\'s tools (`--steps`)'
complete -c lynx -n "__fish_lynx_using_subcommand help; and not __fish_seen_subcommand_from init tool:create workflow:create tool:validate serve tool:list tool:call tool:test bench schema completions help" -f -a "tool:validate" -d 'Lint tool, workflow and lynx.toml files: JSON Schemas plus semantic rules, with exact line:col diagnostics. Exit 0 when clean, 1 on findings, 2 on a bad command line'
complete -c lynx -n "__fish_lynx_using_subcommand help; and not __fish_seen_subcommand_from init tool:create workflow:create tool:validate serve tool:list tool:call tool:test bench schema completions help" -f -a "serve" -d 'Serve the project\'s tools over MCP: Streamable HTTP (default) or stdio'
complete -c lynx -n "__fish_lynx_using_subcommand help; and not __fish_seen_subcommand_from init tool:create workflow:create tool:validate serve tool:list tool:call tool:test bench schema completions help" -f -a "tool:list" -d 'List the project\'s tools as MCP clients see them'
complete -c lynx -n "__fish_lynx_using_subcommand help; and not __fish_seen_subcommand_from init tool:create workflow:create tool:validate serve tool:list tool:call tool:test bench schema completions help" -f -a "tool:call" -d 'Call one tool through the same pipeline `lynx serve` uses, and print its result'
complete -c lynx -n "__fish_lynx_using_subcommand help; and not __fish_seen_subcommand_from init tool:create workflow:create tool:validate serve tool:list tool:call tool:test bench schema completions help" -f -a "tool:test" -d 'Run the `tests:` cases of tool files; exit 1 if any fails, with a diff'
complete -c lynx -n "__fish_lynx_using_subcommand help; and not __fish_seen_subcommand_from init tool:create workflow:create tool:validate serve tool:list tool:call tool:test bench schema completions help" -f -a "bench" -d 'Load-test an MCP server (Streamable HTTP, stdio, or an in-process `lynx serve`) and report throughput, latency percentiles and errors by kind. Exit 1 when the validation call fails or a `--fail-if` budget is broken'
complete -c lynx -n "__fish_lynx_using_subcommand help; and not __fish_seen_subcommand_from init tool:create workflow:create tool:validate serve tool:list tool:call tool:test bench schema completions help" -f -a "schema" -d 'Print the JSON Schema of a file kind (what editors use for completion and hover)'
complete -c lynx -n "__fish_lynx_using_subcommand help; and not __fish_seen_subcommand_from init tool:create workflow:create tool:validate serve tool:list tool:call tool:test bench schema completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c lynx -n "__fish_lynx_using_subcommand help; and not __fish_seen_subcommand_from init tool:create workflow:create tool:validate serve tool:list tool:call tool:test bench schema completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
