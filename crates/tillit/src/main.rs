//! The `tillit` binary: everything lives in the library so tests can drive it.

fn main() -> std::process::ExitCode {
    tillit::main_entry()
}
