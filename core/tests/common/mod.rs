//! Data the integration tests share.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use clv_core::models::btyd::Customer;
use clv_core::time::civil::parse_iso_day;
use std::collections::BTreeMap;

/// Each customer's `(x, t_x, T)` in weeks at 2006-12-31 (orders on one day are one purchase,
/// as in CLVTools) and their `[gender, channel]`.
pub fn apparel() -> Vec<(Customer, [f64; 2])> {
    let as_of = parse_iso_day("2006-12-31").unwrap();
    let mut days: BTreeMap<u32, Vec<i32>> = BTreeMap::new();
    for line in include_str!("../../../data/apparel/apparel_orders.csv").lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        days.entry(f[0].parse().unwrap()).or_default().push(parse_iso_day(f[1]).unwrap());
    }
    let covariates: BTreeMap<u32, [f64; 2]> = include_str!("../../../data/apparel/apparel_covariates.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
            (f[0] as u32, [f[1], f[2]])
        })
        .collect();
    let customers: Vec<_> = days
        .into_iter()
        .filter_map(|(id, mut d)| {
            d.sort_unstable();
            d.dedup();
            let first = d[0];
            let seen: Vec<i32> = d.into_iter().filter(|&day| day <= as_of).collect();
            let weeks = |days: i32| f64::from(days) / 7.0;
            (first <= as_of).then(|| {
                let customer = Customer {
                    x: (seen.len() - 1) as f64,
                    t_x: weeks(seen[seen.len() - 1] - first),
                    t: weeks(as_of - first),
                };
                (customer, covariates[&id])
            })
        })
        .collect();
    assert_eq!(customers.len(), 600);
    customers
}
