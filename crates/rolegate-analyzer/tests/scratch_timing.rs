use rolegate_analyzer::{LintOptions, TrustPolicy, lint};
#[test]
fn timing() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/corpus");
    let options = LintOptions { account: Some("111122223333".into()), zone_of_trust: vec!["444455556666".into()], role_arn: None };
    let mut texts = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() == "manifest.json" { continue; }
        texts.push((p.file_name().unwrap().to_string_lossy().to_string(), std::fs::read_to_string(&p).unwrap()));
    }
    for (_, t) in &texts { let p = TrustPolicy::parse("x", t).unwrap(); lint(&p, &options); }
    let mut rows = Vec::new();
    for (name, text) in &texts {
        let t = std::time::Instant::now();
        for _ in 0..5 { let policy = TrustPolicy::parse("x", text).unwrap(); lint(&policy, &options); }
        rows.push((t.elapsed() / 5, name.clone()));
    }
    rows.sort();
    for r in rows.iter().rev().take(15) { println!("{:?} {}", r.0, r.1); }
    let total: std::time::Duration = rows.iter().map(|r| r.0).sum();
    println!("total {:?} avg {:?}", total, total / rows.len() as u32);
}
