//! A real browser for the tests that must prove what a person sees: Debian's headless Chromium
//! (`scripts/test` installs it), loading a page and returning the DOM after its scripts ran.
//!
//! The flags are the ones this machine's closed network needs: without the background-networking
//! ones Chromium keeps trying to reach Google's hosts.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The Chromium binary: `$CHROMIUM`, else `chromium` on the PATH.
pub fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("chromium"))
}

/// Loads `url` (http:// or file://) in headless Chromium, lets its scripts and fetches run for at
/// most `budget` of virtual time, and returns the serialised DOM.
///
/// # Panics
/// When Chromium is missing or fails: a browser test must fail loudly, never pass without a browser.
pub fn dump_dom(url: &str, budget: Duration) -> String {
    let profile = tempfile::tempdir().expect("temporary Chromium profile");
    let output = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--virtual-time-budget={}", budget.as_millis()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .unwrap_or_else(|e| panic!("cannot start {} (run scripts/test to install it): {e}", chromium().display()));
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("the DOM is UTF-8")
}

#[test]
fn chromium_runs_page_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(
        &page,
        r#"<html><body><p id="out">before</p>
<script>setTimeout(() => { document.getElementById('out').textContent = 'after: ' + (6 * 7); }, 50);</script>
</body></html>"#,
    )
    .unwrap();
    let dom = dump_dom(&format!("file://{}", page.display()), Duration::from_secs(2));
    assert!(dom.contains("after: 42"), "scripts did not run: {dom}");
}
