//! A seeded simulator of customers who buy as BG/NBD (or MBG/NBD, or Pareto/NBD) says and
//! spend as Gamma-Gamma says, for demos, tests (fits recover the parameters) and benchmarks;
//! optionally with static covariates that shift each process as the models with covariates
//! link them ([`crate::models::covariates`]).
//!
//! Each customer has their own random stream, derived from the seed and the customer number,
//! so customer 7's orders are the same whether 10 or 10 million customers are simulated.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use statrs::distribution::{Beta, Exp, Gamma};

/// Parameters of the simulated population, with times in days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Population {
    /// BG/NBD: purchase rates λ ~ Gamma(shape r, rate α) per day.
    pub r: f64,
    pub alpha: f64,
    /// BG/NBD: dropout probability after each repeat purchase ~ Beta(a, b).
    pub a: f64,
    pub b: f64,
    /// Gamma-Gamma: order values ~ Gamma(shape p, rate ν), ν ~ Gamma(shape q, rate v).
    pub p: f64,
    pub q: f64,
    pub v: f64,
}

impl Population {
    /// The CDNOW sample's fitted values (Fader, Hardie & Lee 2005; Gamma-Gamma from Fader,
    /// Hardie & Lee's spend note) with α converted from weeks to days.
    pub const CDNOW: Self = Self { r: 0.243, alpha: 30.9, a: 0.793, b: 2.426, p: 6.25, q: 3.74, v: 15.44 };

    /// The parameter values, named, in the order of the fields.
    pub fn named(&self) -> [(&'static str, f64); 7] {
        [
            ("r", self.r),
            ("alpha", self.alpha),
            ("a", self.a),
            ("b", self.b),
            ("p", self.p),
            ("q", self.q),
            ("v", self.v),
        ]
    }

    /// Names the first parameter that is not a positive finite number.
    pub fn check(&self) -> Result<(), &'static str> {
        match self.named().into_iter().find(|(_, value)| !(value.is_finite() && *value > 0.0)) {
            Some((name, _)) => Err(name),
            None => Ok(()),
        }
    }
}

/// How active customers drop out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dropout {
    /// After each repeat purchase, with probability p ~ Beta(a, b).
    BgNbd,
    /// After each purchase, the first included, with probability p ~ Beta(a, b).
    MbgNbd,
    /// At an exponential time with rate μ ~ Gamma(s, β) per day (a and b unused).
    ParetoNbd { s: f64, beta: f64 },
}

/// Static covariates: each customer has as many, each 0 or 1 with probability 1/2, as the
/// longest effect vector; each process's vector of effects (shorter ones padded with 0) acts
/// on it as the models link covariates: λ's rate α e^(−γ·z); a e^(γ·z) and b e^(γ·z)
/// (BG/NBD, MBG/NBD) or β e^(−γ·z) (Pareto/NBD); Gamma-Gamma's v e^(γ·z).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effects {
    pub transaction: Vec<f64>,
    pub dropout: Vec<f64>,
    pub spend: Vec<f64>,
}

impl Effects {
    /// The number of covariates.
    pub fn count(&self) -> usize {
        self.transaction.len().max(self.dropout.len()).max(self.spend.len())
    }

    /// `γ·z` of each process.
    fn linear_predictors(&self, z: &[f64]) -> [f64; 3] {
        [&self.transaction, &self.dropout, &self.spend].map(|g| g.iter().zip(z).map(|(g, z)| g * z).sum())
    }
}

/// One simulated order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimulatedOrder {
    /// Days since the start of the simulation.
    pub time: f64,
    /// Currency units, rounded to cents, at least 0.01.
    pub amount: f64,
}

/// A simulated customer: their hidden traits and their orders in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedCustomer {
    /// Purchase rate per day.
    pub lambda: f64,
    /// Dropout probability after each repeat purchase.
    pub dropout: f64,
    /// Gamma-Gamma's ν: the customer's mean order value is p/ν.
    pub nu: f64,
    /// Their covariates (empty without effects).
    pub covariates: Vec<f64>,
    pub orders: Vec<SimulatedOrder>,
}

/// At most this many covariate effects per process.
pub const MAX_EFFECTS: usize = 32;
/// The largest magnitude of an effect: `e^(γ·z)` stays far from overflow.
pub const MAX_EFFECT: f64 = 20.0;

/// The most orders one simulated customer may place: it bounds the work and memory of one
/// customer (a daily buyer for 270 years stays below it).
pub const MAX_ORDERS_PER_CUSTOMER: usize = 100_000;

/// Why a customer cannot be simulated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Runaway {
    /// The purchase rate (per day) would make more than [`MAX_ORDERS_PER_CUSTOMER`] orders.
    TooManyOrders { lambda: f64 },
    /// An order amount beyond what an order can hold (see [`crate::money`]): the spend
    /// parameters make the mean order value astronomically large.
    AmountOutOfRange { amount: f64 },
}

/// A simulation: customers arrive (first order) uniformly over `[0, acquisition_days)` and are
/// observed until `observed_days`.
#[derive(Debug, Clone)]
pub struct Simulation {
    population: Population,
    process: Dropout,
    effects: Effects,
    /// The distributions of each customer's purchase rate, dropout probability and ν, made
    /// once from the checked population.
    purchase_rate: Gamma,
    dropout: Beta,
    spend_scale: Gamma,
    seed: u64,
    acquisition_days: f64,
    observed_days: f64,
}

/// SplitMix64's output function: a bijection that spreads nearby inputs apart.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Simulation {
    pub fn new(
        population: Population,
        seed: u64,
        acquisition_days: f64,
        observed_days: f64,
    ) -> Result<Self, String> {
        population.check().map_err(|name| format!("{name} must be a positive finite number"))?;
        let invalid = |e: statrs::distribution::GammaError| format!("invalid population: {e}");
        let purchase_rate = Gamma::new(population.r, population.alpha).map_err(invalid)?;
        let spend_scale = Gamma::new(population.q, population.v).map_err(invalid)?;
        let dropout =
            Beta::new(population.a, population.b).map_err(|e| format!("invalid population: {e}"))?;
        if !(observed_days.is_finite() && observed_days > 0.0) {
            return Err("the simulation must end after it starts".into());
        }
        if !(acquisition_days > 0.0 && acquisition_days <= observed_days) {
            return Err("customers must arrive after the start and before the end".into());
        }
        let (process, effects) = (Dropout::BgNbd, Effects::default());
        Ok(Self {
            population,
            process,
            effects,
            purchase_rate,
            dropout,
            spend_scale,
            seed,
            acquisition_days,
            observed_days,
        })
    }

    /// The same simulation with another dropout process and covariate effects (finite, at
    /// most [`MAX_EFFECTS`] per process). Without effects and with BG/NBD, its customers are
    /// [`Simulation::new`]'s.
    pub fn with(self, process: Dropout, effects: Effects) -> Result<Self, String> {
        if let Dropout::ParetoNbd { s, beta } = process {
            for (name, value) in [("s", s), ("beta", beta)] {
                if !(value.is_finite() && value > 0.0) {
                    return Err(format!("{name} must be a positive finite number"));
                }
            }
        }
        for (name, vector) in
            [("transaction", &effects.transaction), ("dropout", &effects.dropout), ("spend", &effects.spend)]
        {
            if vector.len() > MAX_EFFECTS || vector.iter().any(|g| !(g.abs() <= MAX_EFFECT)) {
                return Err(format!(
                    "the {name} effects must be at most {MAX_EFFECTS} numbers of magnitude at most {MAX_EFFECT}"
                ));
            }
        }
        Ok(Self { process, effects, ..self })
    }

    /// Customer `id`: the same for the same seed, whatever else is simulated. `Err` when they
    /// would place more than [`MAX_ORDERS_PER_CUSTOMER`] orders or an order too large to store
    /// (parameters far beyond any real shop's).
    pub fn customer(&self, id: u64) -> Result<SimulatedCustomer, Runaway> {
        let pop = &self.population;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(mix(self.seed) ^ id);
        // Covariates first, only when there are effects: without, the stream is 0.2.0's.
        let covariates: Vec<f64> =
            (0..self.effects.count()).map(|_| f64::from(u8::from(rng.random::<bool>()))).collect();
        let [eta_trans, eta_life, eta_spend] = self.effects.linear_predictors(&covariates);
        // λ ~ Gamma(r, α e^(−η)) is Gamma(r, α) times e^η; ν ~ Gamma(q, v e^η) is Gamma(q, v)
        // times e^(−η).
        let lambda = rng.sample(self.purchase_rate) * eta_trans.exp();
        let dropout = if eta_life == 0.0 {
            rng.sample(self.dropout)
        } else {
            match Beta::new(pop.a * eta_life.exp(), pop.b * eta_life.exp()) {
                Ok(beta) => rng.sample(beta),
                Err(_) => rng.random::<f64>(),
            }
        };
        let nu = rng.sample(self.spend_scale) * (-eta_spend).exp();
        let spend = Gamma::new(pop.p, nu);
        let gaps = Exp::new(lambda);
        let order = |time: f64, rng: &mut Xoshiro256PlusPlus| SimulatedOrder {
            time,
            amount: match &spend {
                Ok(spend) => (rng.sample(spend) * 100.0).round().max(1.0) / 100.0,
                Err(_) => 0.01, // ν underflowed: no realistic customer, the minimum amount
            },
        };
        let order = |time: f64, rng: &mut Xoshiro256PlusPlus| {
            let placed = order(time, rng);
            match crate::money::micros_from_f64(placed.amount) {
                Ok(_) => Ok(placed),
                Err(_) => Err(Runaway::AmountOutOfRange { amount: placed.amount }),
            }
        };
        let mut time = rng.random::<f64>() * self.acquisition_days;
        let mut orders = vec![order(time, &mut rng)?];
        // Pareto/NBD: the end of the lifetime, μ ~ Gamma(s, β e^(−η)) = Gamma(s, β) e^η.
        let lifetime_end = match self.process {
            Dropout::ParetoNbd { s, beta } => match Gamma::new(s, beta) {
                Ok(mu) => {
                    let mu = rng.sample(mu) * eta_life.exp();
                    time + Exp::new(mu).map_or(f64::INFINITY, |lifetime| rng.sample(lifetime))
                }
                Err(_) => f64::INFINITY,
            },
            _ => f64::INFINITY,
        };
        let drops = |rng: &mut Xoshiro256PlusPlus| rng.random::<f64>() < dropout;
        // MBG/NBD: the customer may drop out right after the first purchase.
        let gone_at_once = self.process == Dropout::MbgNbd && drops(&mut rng);
        // A rate that underflowed to 0 never buys again.
        if let (Ok(gaps), false) = (gaps, gone_at_once) {
            loop {
                time += rng.sample(gaps);
                if time >= self.observed_days.min(lifetime_end) {
                    break;
                }
                if orders.len() >= MAX_ORDERS_PER_CUSTOMER {
                    return Err(Runaway::TooManyOrders { lambda });
                }
                orders.push(order(time, &mut rng)?);
                // BG/NBD, MBG/NBD: after each repeat purchase the customer drops out with
                // probability p.
                if !matches!(self.process, Dropout::ParetoNbd { .. }) && drops(&mut rng) {
                    break;
                }
            }
        }
        Ok(SimulatedCustomer { lambda, dropout, nu, covariates, orders })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simulation(seed: u64) -> Simulation {
        Simulation::new(Population::CDNOW, seed, 84.0, 546.0).unwrap()
    }

    #[test]
    fn same_seed_same_customer() {
        assert_eq!(simulation(7).customer(3).unwrap(), simulation(7).customer(3).unwrap());
        assert_ne!(simulation(7).customer(3).unwrap(), simulation(8).customer(3).unwrap());
        assert_ne!(simulation(7).customer(3).unwrap(), simulation(7).customer(4).unwrap());
    }

    #[test]
    fn orders_are_in_time_within_the_window() {
        let sim = simulation(1);
        for id in 0..2_000 {
            let c = sim.customer(id).unwrap();
            assert!(c.orders[0].time < 84.0);
            assert!(c.orders.windows(2).all(|w| w[0].time < w[1].time));
            assert!(c.orders.iter().all(|o| o.time < 546.0 && o.amount >= 0.01));
            assert!(c.orders.iter().all(|o| (o.amount * 100.0 - (o.amount * 100.0).round()).abs() < 1e-6));
        }
    }

    #[test]
    fn population_means_match_the_parameters() {
        let sim = simulation(42);
        let n = 200_000;
        let (mut lambda, mut dropout, mut value) = (0.0, 0.0, 0.0);
        for id in 0..n {
            let c = sim.customer(id).unwrap();
            lambda += c.lambda;
            dropout += c.dropout;
            value += Population::CDNOW.p / c.nu;
        }
        let n = n as f64;
        let pop = Population::CDNOW;
        // E[λ] = r/α, E[p] = a/(a+b), E[p/ν] = p·v/(q−1); 200k draws give about 1% precision.
        assert!(((lambda / n) / (pop.r / pop.alpha) - 1.0).abs() < 0.02);
        assert!(((dropout / n) / (pop.a / (pop.a + pop.b)) - 1.0).abs() < 0.02);
        assert!(((value / n) / (pop.p * pop.v / (pop.q - 1.0)) - 1.0).abs() < 0.02);
    }

    #[test]
    fn customers_with_runaway_rates_are_refused() {
        // A mean rate of 10^6 orders a day that never drops out.
        let runaway = Population { r: 1.0, alpha: 1e-6, a: 1e-9, b: 1e9, ..Population::CDNOW };
        let sim = Simulation::new(runaway, 1, 1.0, 36_500.0).unwrap();
        assert!(matches!(sim.customer(1), Err(Runaway::TooManyOrders { lambda }) if lambda > 1.0));
        // Mean order values near f64's limit.
        let lavish = Population { p: 1e308, q: 2.0, v: 1.0, ..Population::CDNOW };
        let sim = Simulation::new(lavish, 1, 1.0, 365.0).unwrap();
        assert!(matches!(sim.customer(1), Err(Runaway::AmountOutOfRange { .. })));
    }

    #[test]
    fn bad_parameters_are_named() {
        let bad = Population { alpha: f64::NAN, ..Population::CDNOW };
        assert_eq!(
            Simulation::new(bad, 1, 1.0, 2.0).err().as_deref(),
            Some("alpha must be a positive finite number")
        );
        assert!(Simulation::new(Population::CDNOW, 1, 3.0, 2.0).is_err());
        assert!(Simulation::new(Population::CDNOW, 1, 0.0, 2.0).is_err());
        assert!(Simulation::new(Population::CDNOW, 1, 1.0, f64::INFINITY).is_err());
    }
}
