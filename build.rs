//! Build script: compiles `proto/` with protox (pure Rust, no system `protoc`) and lists the
//! embedded default ontology (`ontology/`) so that the binary carries it.

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    compile_protos()?;
    embed_ontology()?;
    code_hash()?;
    Ok(())
}

/// `VAARDIG_CODE_HASH`: a hash of the sources and the lock file, which names the build that wrote
/// a persisted engines file (`src/persist.rs`). Any change of code or dependency versions makes
/// earlier files stale, so a new binary never serves structures an older one built.
fn code_hash() -> Result<(), Box<dyn std::error::Error>> {
    use std::hash::Hasher;
    fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                files(&path, out)?;
            } else {
                out.push(path);
            }
        }
        Ok(())
    }
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let mut paths = vec![Path::new("Cargo.lock").to_path_buf(), Path::new("build.rs").to_path_buf()];
    files(Path::new("src"), &mut paths)?;
    paths.sort();
    // SipHash with fixed keys: the same inputs give the same hash on every machine.
    #[allow(deprecated)]
    let mut hasher = std::hash::SipHasher::new();
    for path in &paths {
        hasher.write(path.to_string_lossy().as_bytes());
        hasher.write(&std::fs::read(path)?);
    }
    println!("cargo:rustc-env=VAARDIG_CODE_HASH={:016x}", hasher.finish());
    Ok(())
}

fn compile_protos() -> Result<(), Box<dyn std::error::Error>> {
    let mut protos = Vec::new();
    for entry in std::fs::read_dir("proto/vaardig/v1")? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "proto") {
            protos.push(path);
        }
    }
    protos.sort();
    println!("cargo:rerun-if-changed=proto");
    let descriptors = protox::compile(&protos, ["proto"])?;
    let out_dir = std::env::var("OUT_DIR")?;
    let descriptor_path = Path::new(&out_dir).join("vaardig_descriptor.bin");
    std::fs::write(&descriptor_path, prost::Message::encode_to_vec(&descriptors))?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        // The CLI prints answers as JSON; deriving Serialize on the wire types keeps that generic.
        .type_attribute(".vaardig.v1", "#[derive(serde::Serialize)]")
        // Written by hand (src/proto/concept_ref.rs), with the same fields and wire format, so that
        // the server can send a reference encoded once per snapshot instead of copying its strings.
        .extern_path(".vaardig.v1.ConceptRef", "crate::proto::ConceptRef")
        .compile_fds(descriptors)?;

    // The OTLP trace export (a subset of OpenTelemetry's protos): a client to export spans, a
    // server for the tests' receiver. Kept out of the vaardig descriptor set, so reflection,
    // health and metrics do not list it as an API service.
    let otlp = protox::compile(["proto/opentelemetry/proto/collector/trace/v1/trace_service.proto"], ["proto"])?;
    tonic_prost_build::configure().build_client(true).build_server(true).compile_fds(otlp)?;
    Ok(())
}

fn embed_ontology() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=ontology");
    let dir = std::fs::canonicalize("ontology")?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            println!("cargo:rerun-if-changed={}", path.display());
            files.push(path);
        }
    }
    files.sort();
    let mut code = String::new();
    code.push_str(&format!(
        "pub const MANIFEST: &str = include_str!({:?});\n",
        dir.join("bundle.toml").display().to_string()
    ));
    code.push_str("pub const FILES: &[(&str, &str)] = &[\n");
    for path in files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        code.push_str(&format!("    ({name:?}, include_str!({:?})),\n", path.display().to_string()));
    }
    code.push_str("];\n");
    std::fs::write(Path::new(&std::env::var("OUT_DIR")?).join("embedded_ontology.rs"), code)?;
    Ok(())
}
