//! The stored binary formats, frozen byte for byte: values written by pg_clv 0.1.0 must read
//! back identically in every later version (tables of summaries and models survive
//! `ALTER EXTENSION pg_clv UPDATE`). A change to a format needs a new version byte and a
//! reader for the old one; these tests then keep the old bytes here and add the new.
//!
//! Each test builds a known value, checks that it encodes to the bytes its first version wrote
//! (as hex; 0.1.0, or 0.2.0 for the types it added), and that those bytes decode to the same
//! value.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use clv_core::codec::StoredValue;
use clv_core::models::bgbb::BgbbModel;
use clv_core::models::btyd::{FitInfo, Kind, Model, PROCESSES};
use clv_core::models::covariates::{CovariateModel, CovariateSpec};
use clv_core::models::gamma_gamma::{SpendFitInfo, SpendModel};
use clv_core::models::report::FitReport;
use clv_core::models::sbg::SbgModel;
use clv_core::models::uncertainty::Covariance;
use clv_core::segments::rfm::Breaks;
use clv_core::summary::{encode_to_vec, PurchaseDay, SummaryView};
use clv_core::time::TimeUnit;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digits")).collect()
}

/// 1997-01-15: two orders (15.50), 1997-02-15: one (20.00), 1997-03-17: a refund (-5.25).
const SUMMARY_V1: &str = "010000000300000004000000000000001094cd01000000000000000000000000c7fbffffe6fbffff04fcffff020000000100000001000000e082ec0000000000002d31010000000030e4afffffffffff";

#[test]
fn customer_summary_v1() {
    let days = vec![
        PurchaseDay { day: -1081, orders: 2, amount: 15_500_000 },
        PurchaseDay { day: -1050, orders: 1, amount: 20_000_000 },
        PurchaseDay { day: -1020, orders: 1, amount: -5_250_000 },
    ];
    let bytes = encode_to_vec(days.clone()).unwrap();
    assert_eq!(hex(&bytes), SUMMARY_V1);
    let view = SummaryView::validated(&unhex(SUMMARY_V1)).unwrap().iter().collect::<Vec<_>>();
    assert_eq!(view, days);
}

const BTYD_MODEL_V1: &str = "01030201c9fcffffa167b3ea73b5e13f454772f90f2925401361c3d32b65e33f39454772f94f2740010ad7a3707dbdc2c09a9999999999a93f9a9999999999e93f000000000000f87f000000000000004000000000006aa240a4060000000000001f0000000000000001";
const BTYD_MODEL_BY_HAND_V1: &str =
    "0101010000000000933a014d840dcf3f9d8026c286a71140e5f21fd26f5fe93f63ee5a423e68034000";

#[test]
fn btyd_model_v1() {
    let fitted = Model {
        kind: Kind::ParetoNbd,
        params: [0.5534, 10.5802, 0.6061, 11.6562],
        unit: TimeUnit::Weeks,
        as_of: Some(-823),
        fit: Some(FitInfo {
            log_likelihood: -9594.98,
            std_errors: [0.05, 0.8, f64::NAN, 2.0],
            customers: 2357.0,
            patterns: 1700,
            iterations: 31,
            converged: true,
        }),
        covariates: None,
        covariance: None,
    };
    assert_eq!(hex(&fitted.encode()), BTYD_MODEL_V1);
    let back = Model::decode(&unhex(BTYD_MODEL_V1)).unwrap();
    assert_eq!(back.encode(), fitted.encode()); // NaN standard error: compare bytes
    let by_hand = Model {
        kind: Kind::BgNbd,
        params: [0.2426, 4.4136, 0.7929, 2.4259],
        unit: TimeUnit::Days,
        as_of: None,
        fit: None,
        covariates: None,
        covariance: None,
    };
    assert_eq!(hex(&by_hand.encode()), BTYD_MODEL_BY_HAND_V1);
    assert_eq!(Model::decode(&unhex(BTYD_MODEL_BY_HAND_V1)).unwrap(), by_hand);
}

const BTYD_MODEL_COVARIATES_V2: &str = "02030201c9340000ddb5847cd0b3fc3fa779c7293aae57408fe4f21fd26fdb3fe10b93a982894d400186c954c188c2b6c0ea043411363cd53f29cb10c7ba3831408351499d8026c23f1ac05b20414141400000000000c08240d6010000000000001800000000000000019a9999999999b93f020667656e646572076368616e6e656c0000000000000000020667656e646572076368616e6e656c010667656e646572598638d6c56de43faf946588635df03f17b7d100de02d53f01cc5d4bc8073dbb3f000000000000f87f742497ff907ebb3f";

/// 0.3.0: a purchase model with covariates is version 2, version 1's fields then the
/// covariates' (a model without keeps version 1).
#[test]
fn btyd_model_with_covariates_v2() {
    let options = serde_json::json!({
        "trans": ["gender", "channel"], "life": ["gender", "channel"], "constrained": ["gender"],
        "lambda": {"trans": 0.1, "life": 0.0}
    });
    let spec = CovariateSpec::parse(&options, &PROCESSES, &[2, 2]).unwrap();
    let covariates =
        CovariateModel::new(spec, vec![0.6384, 1.0228, 0.3283], Some(vec![0.1064, f64::NAN, 0.1074]));
    let fitted = Model {
        kind: Kind::ParetoNbd,
        params: [1.7939, 94.7223, 0.4287, 59.0743],
        unit: TimeUnit::Weeks,
        as_of: Some(13513),
        fit: Some(FitInfo {
            log_likelihood: -5826.5342,
            std_errors: [0.3318, 17.2216, 0.1418, 34.5098],
            customers: 600.0,
            patterns: 470,
            iterations: 24,
            converged: true,
        }),
        covariates: Some(covariates.unwrap()),
        covariance: None,
    };
    assert_eq!(hex(&fitted.encode()), BTYD_MODEL_COVARIATES_V2);
    let back = Model::decode(&unhex(BTYD_MODEL_COVARIATES_V2)).unwrap();
    assert_eq!(back.encode(), fitted.encode()); // NaN standard error: compare bytes
    assert_eq!(
        back.covariates.unwrap().spec.coefficient_names(),
        ["trans.channel", "life.channel", "constr.gender"]
    );
}

const BTYD_MODEL_COVARIANCE_V3: &str = "03010201c9fcffff933a014d840dcf3f9d8026c286a71140e5f21fd26f5fe93f63ee5a423e68034001a4703d0a37b7c2c0e4839ecdaacf953f166a4df38e53e83fc1caa145b6f3c53f87a757ca32c4e73f00000000006aa240910400000000000013000000000000000100240f441669e23d3f8d28ed0dbe30893fe5d022dbf97ee23f000000000000000000000000000000002575029a081b9e3f00000000000000000000000000000000bf0e9c33a2b4b73fbb270f0bb5a6e13f";

/// 0.3.0: a fitted purchase model carries the covariance of its estimates as version 3:
/// version 1's fields, whether covariates follow (and theirs), then the covariance's lower
/// triangle. Models without a covariance keep version 1 or 2.
#[test]
fn btyd_model_with_covariance_v3() {
    let rows = vec![
        vec![0.000_456, 0.0123, 0.0, 0.0],
        vec![0.0123, 0.578, 0.0, 0.0],
        vec![0.0, 0.0, 0.0294, 0.0926],
        vec![0.0, 0.0, 0.0926, 0.5516],
    ];
    let fitted = Model {
        kind: Kind::BgNbd,
        params: [0.2426, 4.4136, 0.7929, 2.4259],
        unit: TimeUnit::Weeks,
        as_of: Some(-823),
        fit: Some(FitInfo {
            log_likelihood: -9582.43,
            std_errors: [0.0213, 0.7602, 0.1715, 0.7427],
            customers: 2357.0,
            patterns: 1169,
            iterations: 19,
            converged: true,
        }),
        covariates: None,
        covariance: Some(Covariance::from_rows(&rows).unwrap()),
    };
    assert_eq!(hex(&fitted.encode()), BTYD_MODEL_COVARIANCE_V3);
    let back = Model::decode(&unhex(BTYD_MODEL_COVARIANCE_V3)).unwrap();
    assert_eq!(back, fitted);
    assert_eq!(back.covariance.unwrap().rows(), rows);
}

const SPEND_MODEL_V1: &str = "0101c9fcffff0000000000001940ec51b81e85eb0d40e17a14ae47e12e4001000000000041afc09a9999999999f13f000000000000e03f00000000000002400000000000908d4000000000000c96400c0000000000000001";

#[test]
fn spend_model_v1() {
    let model = SpendModel {
        params: [6.25, 3.74, 15.44],
        as_of: Some(-823),
        fit: Some(SpendFitInfo {
            log_likelihood: -4000.5,
            std_errors: [1.1, 0.5, 2.25],
            customers: 946.0,
            excluded: 1411.0,
            iterations: 12,
            converged: true,
        }),
        covariates: None,
        covariance: None,
    };
    assert_eq!(hex(&model.encode()), SPEND_MODEL_V1);
    assert_eq!(SpendModel::decode(&unhex(SPEND_MODEL_V1)).unwrap(), model);
    // 0.3.0: with the covariance of its estimates, version 3 (the purchase models' tail).
    let rows = vec![vec![1.21, -0.3, 0.5], vec![-0.3, 0.25, -0.1], vec![0.5, -0.1, 5.06]];
    let with_covariance = SpendModel { covariance: Some(Covariance::from_rows(&rows).unwrap()), ..model };
    assert_eq!(hex(&with_covariance.encode()), SPEND_MODEL_COVARIANCE_V3);
    assert_eq!(SpendModel::decode(&unhex(SPEND_MODEL_COVARIANCE_V3)).unwrap(), with_covariance);
}

const SPEND_MODEL_COVARIANCE_V3: &str = "0301c9fcffff0000000000001940ec51b81e85eb0d40e17a14ae47e12e4001000000000041afc09a9999999999f13f000000000000e03f00000000000002400000000000908d4000000000000c96400c0000000000000001005c8fc2f5285cf33f333333333333d3bf000000000000d03f000000000000e03f9a9999999999b9bf3d0ad7a3703d1440";

const RFM_BREAKS_V1: &str = "0103dafdffff35090000000000000000000000c072400000000000005e40000000000000f03f000000000000084000000000008039400000000000105440";

#[test]
fn rfm_breaks_v1() {
    let breaks = Breaks {
        bins: 3,
        as_of: -550,
        customers: 2357,
        recency: vec![300.0, 120.0],
        frequency: vec![1.0, 3.0],
        monetary: vec![25.5, 80.25],
    };
    assert_eq!(hex(&breaks.encode()), RFM_BREAKS_V1);
    assert_eq!(Breaks::decode(&unhex(RFM_BREAKS_V1)).unwrap(), breaks);
}

// Formats added in 0.2.0.

fn bgbb_fitted() -> BgbbModel {
    BgbbModel {
        params: [1.204, 0.75, 0.657, 2.783],
        fit: Some(FitReport {
            log_likelihood: -33225.6,
            std_errors: [0.069, 0.029, f64::NAN, 0.321],
            customers: 11104.0,
            patterns: 22,
            iterations: 17,
            converged: true,
        }),
    }
}

fn sbg_by_hand() -> SbgModel {
    SbgModel { params: [0.704, 1.182], fit: None }
}

const BGBB_MODEL_V1: &str = "01dd2406819543f33f000000000000e83fa01a2fdd2406e53fdd2406819543064001333333333339e0c0448b6ce7fba9b13f1904560e2db29d3f000000000000f87f25068195438bd43f0000000000b0c5401600000000000000110000000000000001";
const SBG_MODEL_BY_HAND_V1: &str = "01ba490c022b87e63fb6f3fdd478e9f23f00";

#[test]
fn bgbb_model_v1() {
    let fitted = bgbb_fitted();
    assert_eq!(hex(&fitted.encode()), BGBB_MODEL_V1);
    let back = BgbbModel::decode(&unhex(BGBB_MODEL_V1)).unwrap();
    assert_eq!(back.encode(), fitted.encode()); // NaN standard error: compare bytes
}

#[test]
fn sbg_model_v1() {
    assert_eq!(hex(&sbg_by_hand().encode()), SBG_MODEL_BY_HAND_V1);
    assert_eq!(SbgModel::decode(&unhex(SBG_MODEL_BY_HAND_V1)).unwrap(), sbg_by_hand());
}
