//! `clv.generate_orders`: seeded simulated orders of BG/NBD (or MBG/NBD, Pareto/NBD) +
//! Gamma-Gamma customers, optionally with covariate effects.

use crate::pg::args::{covariates, required};
use crate::pg::call::check_for_interrupts;
use crate::pg::dates::finite_day;
use crate::pg::errors::{
    raise, raise_with_hint, DATETIME_FIELD_OVERFLOW, INVALID_PARAMETER_VALUE, NUMERIC_VALUE_OUT_OF_RANGE,
    PROGRAM_LIMIT_EXCEEDED,
};
use clv_core::simulate::{Dropout, Effects, Population, Runaway, Simulation, MAX_ORDERS_PER_CUSTOMER};
use pgrx::datum::{Array, Date, TimestampWithTimeZone};
use pgrx::prelude::*;

const MICROS_PER_DAY: f64 = 86_400_000_000.0;

/// The most customers one call simulates (about a billion orders with CDNOW's rates).
const MAX_CUSTOMERS: i64 = 100_000_000;

/// A date argument as a day whose midnight is a valid `timestamptz` (orders are timestamps).
fn midnight_day(date: Date, what: &str) -> i32 {
    let day = finite_day(date, what);
    let midnight = i64::from(day).checked_mul(MICROS_PER_DAY as i64);
    if midnight.is_none_or(|micros| TimestampWithTimeZone::try_from(micros).is_err()) {
        raise(DATETIME_FIELD_OVERFLOW, format!("{what} is out of the range of timestamp with time zone"));
    }
    day
}

fn out_of_range(id: i64) -> ! {
    raise(
        DATETIME_FIELD_OVERFLOW,
        format!("simulated customer {id} has an order time out of the range of timestamp with time zone"),
    )
}

/// What a call simulates, checked: customers, the first day, and the simulation.
struct Call {
    customers: i64,
    start: i32,
    simulation: Simulation,
}

impl Call {
    #[allow(clippy::too_many_arguments)] // one SQL argument per model parameter
    fn checked(
        customers: Option<i64>,
        start_date: Option<Date>,
        end_date: Option<Date>,
        seed: Option<i64>,
        parameters: [(&str, Option<f64>); 7],
        acquisition_end: Option<Date>,
        process: Dropout,
        effects: Effects,
    ) -> Self {
        let customers = required(customers, "customers");
        if !(0..=MAX_CUSTOMERS).contains(&customers) {
            raise_with_hint(
                PROGRAM_LIMIT_EXCEEDED,
                format!("customers must be between 0 and {MAX_CUSTOMERS}, not {customers}"),
                Some("Simulate larger populations in several calls with consecutive customer ranges."),
            );
        }
        let start = midnight_day(required(start_date, "start_date"), "start_date");
        let end = midnight_day(required(end_date, "end_date"), "end_date");
        let arrivals_end = acquisition_end.map_or(end, |d| midnight_day(d, "acquisition_end"));
        let seed = required(seed, "seed");
        let [r, alpha, a, b, p, q, v] = parameters.map(|(name, value)| required(value, name));
        let population = Population { r, alpha, a, b, p, q, v };
        let days = |to: i32| f64::from(to) - f64::from(start);
        let simulation = Simulation::new(population, seed as u64, days(arrivals_end), days(end))
            .and_then(|simulation| simulation.with(process, effects))
            .unwrap_or_else(|why| raise(INVALID_PARAMETER_VALUE, why));
        Self { customers, start, simulation }
    }

    /// The orders of customers 1..=`customers`, customer by customer, in time order, each with
    /// the customer's covariates.
    fn rows(self) -> impl Iterator<Item = (i64, TimestampWithTimeZone, f64, Vec<f64>)> {
        let Self { customers, start, simulation } = self;
        let start_micros = f64::from(start) * MICROS_PER_DAY;
        (1..=customers).flat_map(move |id| {
            // One customer's orders are bounded; between customers a cancel can stop the call.
            check_for_interrupts();
            let customer = simulation.customer(id as u64).unwrap_or_else(|runaway| match runaway {
                Runaway::TooManyOrders { lambda } => raise_with_hint(
                    PROGRAM_LIMIT_EXCEEDED,
                    format!("simulated customer {id} would place more than {MAX_ORDERS_PER_CUSTOMER} orders (purchase rate {lambda} a day)"),
                    Some("Lower r/alpha (the mean purchase rate per day) or shorten the simulated period."),
                ),
                Runaway::AmountOutOfRange { amount } => raise_with_hint(
                    NUMERIC_VALUE_OUT_OF_RANGE,
                    format!("simulated customer {id} has an order amount out of range ({amount})"),
                    Some("Lower p·v/(q − 1), the mean order value of the spend model."),
                ),
            });
            let covariates = customer.covariates;
            customer.orders.into_iter().map(move |order| {
                // Inside [start_date, end_date), which are valid timestamps: in range.
                let micros = (start_micros + order.time * MICROS_PER_DAY).round() as i64;
                let at = TimestampWithTimeZone::try_from(micros).unwrap_or_else(|_| out_of_range(id));
                (id, at, order.amount, covariates.clone())
            })
        })
    }
}

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
) -> TableIterator<
    'static,
    (name!(customer_id, i64), name!(ordered_at, TimestampWithTimeZone), name!(amount, f64)),
> {
    let parameters = [("r", r), ("alpha", alpha), ("a", a), ("b", b), ("p", p), ("q", q), ("v", v)];
    let call = Call::checked(
        customers,
        start_date,
        end_date,
        seed,
        parameters,
        acquisition_end,
        Dropout::BgNbd,
        Effects::default(),
    );
    TableIterator::new(call.rows().map(|(id, at, amount, _)| (id, at, amount)))
}

/// [`generate_orders`] with covariates: each customer's binary covariates (as many as the
/// longest effect vector) shift their processes by the effects, and the dropout process may be
/// MBG/NBD's or Pareto/NBD's (lifetime rate ~ Gamma(s, beta) per day).
#[allow(clippy::too_many_arguments)] // one SQL argument per model parameter
#[pg_extern(immutable, parallel_safe, name = "generate_orders")]
fn generate_orders_with_covariates(
    customers: Option<i64>,
    start_date: Option<Date>,
    end_date: Option<Date>,
    seed: Option<i64>,
    transaction_effects: Option<Array<f64>>,
    dropout_effects: Option<Array<f64>>,
    spend_effects: Option<Array<f64>>,
    dropout: default!(Option<&str>, "'bgnbd'"),
    r: default!(Option<f64>, 0.243),
    alpha: default!(Option<f64>, 30.9),
    a: default!(Option<f64>, 0.793),
    b: default!(Option<f64>, 2.426),
    s: default!(Option<f64>, 0.606),
    beta: default!(Option<f64>, 81.7),
    p: default!(Option<f64>, 6.25),
    q: default!(Option<f64>, 3.74),
    v: default!(Option<f64>, 15.44),
    acquisition_end: default!(Option<Date>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(customer_id, i64),
        name!(ordered_at, TimestampWithTimeZone),
        name!(amount, f64),
        name!(covariates, Vec<f64>),
    ),
> {
    let process = match required(dropout, "dropout") {
        "bgnbd" => Dropout::BgNbd,
        "mbgnbd" => Dropout::MbgNbd,
        "pareto_nbd" => Dropout::ParetoNbd { s: required(s, "s"), beta: required(beta, "beta") },
        other => raise_with_hint(
            INVALID_PARAMETER_VALUE,
            format!("unknown dropout process \"{other}\""),
            Some("The dropout process is bgnbd, mbgnbd or pareto_nbd."),
        ),
    };
    let effects = Effects {
        transaction: covariates(transaction_effects, "transaction_effects"),
        dropout: covariates(dropout_effects, "dropout_effects"),
        spend: covariates(spend_effects, "spend_effects"),
    };
    let parameters = [("r", r), ("alpha", alpha), ("a", a), ("b", b), ("p", p), ("q", q), ("v", v)];
    let call =
        Call::checked(customers, start_date, end_date, seed, parameters, acquisition_end, process, effects);
    TableIterator::new(call.rows())
}

extension_sql_file!(
    "simulate/generate_orders_comment.sql",
    name = "generate_orders_comment",
    requires = [generate_orders, generate_orders_with_covariates],
);
