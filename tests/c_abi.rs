//! The header as C and C++ programs see it: `tests/c/abi_smoke.c` compiled with
//! `-Wall -Wextra -Werror -pedantic` as C11 and as C++17, linked against the
//! built shared library and run against the sandbox.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::sandbox_with;

/// `target/<profile>/deps`: where `cargo test` put this test and the shared
/// library it just built with the same features.
fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().to_owned();
    // The library's SONAME is libgenesys_presence.so.0, the name a program linked
    // with it looks for at run time; cargo writes only the unversioned file.
    let versioned = dir.join("libgenesys_presence.so.0");
    if !versioned.exists() {
        let _ = std::os::unix::fs::symlink("libgenesys_presence.so", versioned);
    }
    dir
}

fn compile(language: &str, standard: &str, output: &Path) {
    compile_source("tests/c/abi_smoke.c", language, standard, output);
}

fn compile_source(source: &str, language: &str, standard: &str, output: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let library_dir = library_dir();
    let status = Command::new(if language == "c" { "cc" } else { "c++" })
        .args([
            "-x",
            language,
            standard,
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
        ])
        .arg(root.join(source))
        .arg(format!("-I{}", root.join("include").display()))
        .arg(format!("-L{}", library_dir.display()))
        .arg(format!("-Wl,-rpath,{}", library_dir.display()))
        .args(["-lgenesys_presence", "-o"])
        .arg(output)
        .status()
        .expect("a C compiler is installed");
    assert!(
        status.success(),
        "compiling as {language} {standard} failed"
    );
}

#[test]
fn the_header_compiles_cleanly_and_the_calls_work_from_c_and_cpp() {
    let sandbox = sandbox_with(|_| {});
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    for (language, standard) in [("c", "-std=c11"), ("c++", "-std=c++17")] {
        let binary = scratch.join(format!("abi_smoke_{}", language.replace('+', "p")));
        compile(language, standard, &binary);
        let output = Command::new(&binary).arg(sandbox.url()).output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{language}:\n{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            stdout.contains("0 failure(s)") && !stdout.contains("FAIL"),
            "{stdout}"
        );
    }
}

#[test]
fn the_cpp_header_frees_its_handles_and_throws_gp_error() {
    let sandbox = sandbox_with(|_| {});
    let binary = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hpp_smoke");
    compile_source("tests/c/hpp_smoke.cpp", "c++", "-std=c++17", &binary);
    let output = Command::new(&binary).arg(sandbox.url()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("0 failure(s)") && !stdout.contains("FAIL"),
        "{stdout}"
    );
}
