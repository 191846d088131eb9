//! The shifted-beta-geometric model on Fader and Hardie's (2007) two cohorts, fitted on periods
//! 1..7 as in the paper: regular α 0.704, β 1.182 (log-likelihood −1,680.27); high end
//! α 0.668, β 3.806 (−1,611.16).

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use clv_core::math::optimize::FitOptions;
use clv_core::models::sbg::{tenures, SbgModel};
use clv_core::models::{StoredModel, WeightedObservation};

fn survivors(segment: &str) -> Vec<f64> {
    include_str!("../../data/sbg/survivors.csv")
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (f[0] == segment).then(|| f[2].parse().unwrap())
        })
        .collect()
}

#[test]
fn fits_match_fader_hardie_2007() {
    for (segment, published, log_likelihood) in
        [("regular", [0.704, 1.182], -1680.27), ("high_end", [0.668, 3.806], -1611.16)]
    {
        let counts = survivors(segment);
        assert_eq!(counts.len(), 8);
        let mut obs = tenures(&counts).unwrap();
        let n = clv_core::models::sbg::TenureObservation::merge_all(&mut obs, &|| {});
        let model = SbgModel::fit(&obs[..n], 0.0, (), FitOptions::default());
        let fit = model.fit.as_ref().unwrap();
        assert!(fit.converged, "{segment}");
        for (got, want) in model.params.iter().zip(published) {
            assert!((got - want).abs() <= 0.0006, "{segment}: {:?} vs {published:?}", model.params);
        }
        assert!((fit.log_likelihood - log_likelihood).abs() < 0.006, "{segment}: {}", fit.log_likelihood);
        assert_eq!(fit.customers, 1000.0);
        // The fitted survival follows the data within 2% of the cohort (the paper's Figure 4).
        for (t, s) in counts.iter().enumerate() {
            let projected = 1000.0 * model.survival(t as u32);
            assert!((projected - s).abs() < 20.0, "{segment} period {t}: {projected} vs {s}");
        }
    }
}
