//! `clv.generate_orders`: seeded simulated orders of BG/NBD + Gamma-Gamma customers.

use crate::dates::finite_day;
use crate::errors::{raise, INVALID_PARAMETER_VALUE};
use clv_core::simulate::{Population, Simulation};
use pgrx::datum::{Date, TimestampWithTimeZone};
use pgrx::prelude::*;

const MICROS_PER_DAY: f64 = 86_400_000_000.0;

/// Streams the orders of customers 1..=`customers`, customer by customer, in time order.
#[allow(clippy::too_many_arguments)] // one SQL argument per model parameter
#[pg_extern(immutable, parallel_safe)]
fn generate_orders(
    customers: Option<i64>,
    start_date: Option<Date>,
    end_date: Option<Date>,
    seed: Option<i64>,
    r: default!(Option<f64>, 0.243),
    alpha: default!(Option<f64>, 30.9),
    a: default!(Option<f64>, 0.793),
    b: default!(Option<f64>, 2.426),
    p: default!(Option<f64>, 6.25),
    q: default!(Option<f64>, 3.74),
    v: default!(Option<f64>, 15.44),
    acquisition_end: default!(Option<Date>, "NULL"),
) -> TableIterator<'static, (name!(customer_id, i64), name!(ordered_at, TimestampWithTimeZone), name!(amount, f64))> {
    let required = |name: &str| -> ! { raise(INVALID_PARAMETER_VALUE, format!("{name} must not be NULL")) };
    let customers = customers.unwrap_or_else(|| required("customers"));
    if customers < 0 {
        raise(INVALID_PARAMETER_VALUE, format!("customers must not be negative, not {customers}"));
    }
    let start = finite_day(start_date.unwrap_or_else(|| required("start_date")), "start_date");
    let end = finite_day(end_date.unwrap_or_else(|| required("end_date")), "end_date");
    let arrivals_end = acquisition_end.map_or(end, |d| finite_day(d, "acquisition_end"));
    let seed = seed.unwrap_or_else(|| required("seed"));
    let [r, alpha, a, b, p, q, v] = [("r", r), ("alpha", alpha), ("a", a), ("b", b), ("p", p), ("q", q), ("v", v)]
        .map(|(name, value)| value.unwrap_or_else(|| required(name)));
    let population = Population { r, alpha, a, b, p, q, v };
    let days = |to: i32| f64::from(to) - f64::from(start);
    let simulation = Simulation::new(population, seed as u64, days(arrivals_end), days(end))
        .unwrap_or_else(|why| raise(INVALID_PARAMETER_VALUE, why));
    let start_micros = f64::from(start) * MICROS_PER_DAY;
    let rows = (1..=customers).flat_map(move |id| {
        simulation.customer(id as u64).orders.into_iter().map(move |order| {
            let micros = (start_micros + order.time * MICROS_PER_DAY).round() as i64;
            let ordered_at = TimestampWithTimeZone::try_from(micros).expect("within the finite dates given");
            (id, ordered_at, order.amount)
        })
    });
    TableIterator::new(rows)
}

extension_sql!(
    r#"
COMMENT ON FUNCTION generate_orders(bigint, date, date, bigint, double precision, double precision, double precision, double precision, double precision, double precision, double precision, date) IS
'Simulated orders (customer_id, ordered_at, amount) of customers 1..customers who buy as BG/NBD says (rates per day ~ Gamma(r, alpha), dropout after each repeat purchase ~ Beta(a, b)) and spend as Gamma-Gamma says (p, q, v). First orders fall uniformly in [start_date, acquisition_end) (default end_date); orders stop before end_date. Amounts are rounded to cents (at least 0.01). Defaults are CDNOW''s fitted values in days. The same seed gives the same rows; customer k''s orders do not depend on how many customers are simulated.';
"#,
    name = "generate_orders_comment",
    requires = [generate_orders],
);
