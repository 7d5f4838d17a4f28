//! The simulator: reproducible, valid workloads, measurements close to the predictions,
//! and a PNG written without system fonts.

use kiln_vprog::{
    Engine, Operation, PhaseConfig, SimError, Workload, WorkloadConfig, plot_phase, run_phase,
    write_csv,
};

fn small() -> PhaseConfig {
    PhaseConfig {
        workload: WorkloadConfig {
            accounts: 4_000,
            vprogs: 20,
            q: 0.5,
            ..WorkloadConfig::default()
        },
        f_min: 400,
        f_max: 16_000,
        f_steps: 6,
        epochs: 3,
        seed: 7,
    }
}

#[test]
fn sweep_is_reproducible_and_tracks_the_predictions() {
    let cfg = small();
    let mut seen = 0;
    let a = run_phase(&cfg, &mut |n| seen += n).unwrap();
    assert_eq!(seen, cfg.total_txs());
    let b = run_phase(&cfg, &mut |_| {}).unwrap();
    assert_eq!(a, b);
    // F* = N / (q·K(K−1)) = 4000 / (0.5·2) = 4000.
    assert_eq!(cfg.critical_f(), 4_000.0);
    for p in &a {
        let c = p.mean_degree;
        if c > 1.5 {
            // Supercritical: the giant component within 10% of β·N.
            let rel = (p.lcc_mean - p.predicted_lcc).abs() / p.predicted_lcc;
            assert!(
                rel < 0.1,
                "F = {}: LCC {} vs predicted {}",
                p.f,
                p.lcc_mean,
                p.predicted_lcc
            );
        }
        if c < 0.5 {
            assert!(
                p.lcc_mean < 100.0,
                "F = {}: LCC {} in the subcritical regime",
                p.f,
                p.lcc_mean
            );
        }
        // The temporal estimate of the mean scope is within 25%.
        let rel = (p.scope_mean - p.predicted_scope_mean).abs() / p.predicted_scope_mean;
        assert!(
            rel < 0.25,
            "F = {}: scope {} vs predicted {}",
            p.f,
            p.scope_mean,
            p.predicted_scope_mean
        );
    }
    let mut csv = Vec::new();
    write_csv(&a, &mut csv).unwrap();
    assert_eq!(String::from_utf8(csv).unwrap().lines().count(), a.len() + 1);
}

#[test]
fn giant_fraction_solves_the_erdos_renyi_equation() {
    let cfg = small();
    for f in [5_000, 8_000, 20_000] {
        let c = cfg.mean_degree(f);
        let beta = cfg.giant_fraction(f);
        assert!((beta - (1.0 - (-c * beta).exp())).abs() < 1e-9);
        assert!(beta > 0.0);
    }
    assert_eq!(cfg.giant_fraction(3_000), 0.0);
}

#[test]
fn workload_operations_are_valid_and_epochs_end_with_proofs() {
    let cfg = WorkloadConfig {
        accounts: 300,
        vprogs: 7,
        q: 0.3,
        read_set: 4,
        local_read_set: 3,
        epoch: 50,
        max_gas: 5,
    };
    let mut w = Workload::new(cfg, 3).unwrap();
    let mut engine = Engine::new(w.model().clone());
    for k in 0..(50 + 7) * 4 {
        let op = w.next_op();
        assert_eq!(
            matches!(op, Operation::Proof(_)),
            k % 57 >= 50,
            "operation {k}"
        );
        engine.apply(&op).unwrap();
    }
}

#[test]
fn bad_parameters_are_errors() {
    let mut cfg = small();
    cfg.workload.q = 1.5;
    assert!(matches!(
        cfg.validate(),
        Err(SimError::Parameter { name: "q", .. })
    ));
    let mut cfg = small();
    cfg.f_max = 10;
    assert!(matches!(
        cfg.validate(),
        Err(SimError::Parameter { name: "f_max", .. })
    ));
    let mut cfg = small();
    cfg.workload.local_read_set = 1_000;
    assert!(matches!(
        run_phase(&cfg, &mut |_| {}),
        Err(SimError::Parameter {
            name: "local_read_set",
            ..
        })
    ));
}

#[test]
fn plot_is_a_png() {
    let cfg = PhaseConfig {
        f_steps: 3,
        epochs: 1,
        ..small()
    };
    let points = run_phase(&cfg, &mut |_| {}).unwrap();
    let dir = std::env::temp_dir().join(format!("kiln-vprog-plot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("phase.png");
    plot_phase(&cfg, &points, &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    std::fs::remove_dir_all(&dir).unwrap();
}
