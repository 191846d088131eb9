use clv_core::math::special::laplace_of_power;
use clv_core::models::btyd::{Customer, Kind, Model};
use clv_core::time::TimeUnit;
use std::time::Instant;
fn main() {
    let m = Model {
        kind: Kind::BgNbd,
        params: [0.2426, 4.4136, 0.7929, 2.4259],
        unit: TimeUnit::Weeks,
        as_of: None,
        fit: None,
    };
    let d = 1.15f64.ln() / 52.0;
    let cs: Vec<Customer> = (0..2000)
        .map(|i| {
            let x = (i % 7) as f64;
            let t = 20.0 + (i % 20) as f64;
            Customer { x, t_x: if x == 0.0 { 0.0 } else { t * 0.5 }, t }
        })
        .collect();
    let t0 = Instant::now();
    let s: f64 = cs.iter().map(|c| m.dert(c, d)).sum();
    println!("dert {:?} per customer, sum {s}", t0.elapsed() / 2000);
    let t0 = Instant::now();
    let mut acc = 0.0;
    for i in 0..20000 {
        acc += laplace_of_power(1.0 + (i % 9) as f64 * 0.7, 0.001 + (i % 100) as f64 * 0.019).unwrap();
    }
    println!("laplace {:?} each {acc}", t0.elapsed() / 20000);
}
