fn main() -> std::process::ExitCode {
    lynx::commands::main()
}
