//! `clv.customer_summary`: one customer's purchase days with orders and spend per day.
//!
//! The value is built once by the aggregate in [`aggregate`] and read by the cheap accessors
//! in [`accessors`]. The stored format is `clv_core::summary`'s (version byte first); text
//! output is JSON that reads back exactly.

mod accessors;
mod aggregate;
mod merge;
mod refresh;

use crate::pg::dates::IsoDay;
use crate::pg::datum::{pg_newtype, VarlenaBytes};
use crate::pg::errors::invalid_text;
use crate::pg::errors::{
    bad_summary, DATA_CORRUPTED, INVALID_BINARY_REPRESENTATION, INVALID_TEXT_REPRESENTATION,
};
use clv_core::money::{format_micros, parse_micros};
use clv_core::summary::{encode, encoded_len, normalize, PurchaseDay, SummaryView};
use pgrx::datum::Internal;
use pgrx::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::ffi::{CStr, CString};

pg_newtype!(
    /// A `clv.customer_summary` value, read in place.
    varlena CustomerSummary,
    "customer_summary"
);

impl CustomerSummary {
    /// Stores normalized purchase days (see `clv_core::summary::normalize`).
    pub fn from_days(days: &[PurchaseDay]) -> Self {
        Self(VarlenaBytes::build(encoded_len(days.len()), |out| encode(days, out)))
    }

    /// Reads the stored summary; ERROR (XX001) if the stored bytes are not a summary.
    pub fn view(&self) -> SummaryView<'_> {
        SummaryView::new(self.0.bytes()).unwrap_or_else(|e| bad_summary(e, DATA_CORRUPTED))
    }
}

extension_sql_file!(
    "customer_summary_shell.sql",
    name = "customer_summary_shell",
    creates = [Type(CustomerSummary)],
);

/// The text form: derived totals first for people reading it, then the purchase days, which
/// are all that input reads back.
#[derive(Serialize, Deserialize)]
struct SummaryText<'a> {
    version: u8,
    #[serde(default, skip_deserializing)]
    orders: u64,
    #[serde(default, skip_deserializing)]
    purchase_days: usize,
    #[serde(default, skip_deserializing)]
    first_order: Option<IsoDay>,
    #[serde(default, skip_deserializing)]
    last_order: Option<IsoDay>,
    #[serde(default, skip_deserializing)]
    total_spend: Option<Box<RawValue>>,
    /// `[date, orders, spend]` per purchase day.
    #[serde(borrow)]
    days: Vec<(IsoDay, u32, &'a RawValue)>,
}

fn amount_json(micros: i128) -> Box<RawValue> {
    let mut text = String::new();
    format_micros(micros, &mut text);
    RawValue::from_string(text).expect("a decimal number is valid JSON")
}

fn text_error(why: impl std::fmt::Display) -> ! {
    invalid_text("customer_summary", why)
}

#[pg_extern(immutable, parallel_safe, strict)]
fn customer_summary_in(input: &CStr) -> CustomerSummary {
    let text = input.to_str().unwrap_or_else(|_| text_error("not UTF-8"));
    let parsed: SummaryText = serde_json::from_str(text).unwrap_or_else(|e| text_error(e.to_string()));
    if parsed.version != clv_core::summary::FORMAT_VERSION {
        text_error(format!("unsupported version {}", parsed.version));
    }
    let mut days: Vec<PurchaseDay> = parsed
        .days
        .iter()
        .map(|(date, orders, amount)| PurchaseDay {
            day: date.0,
            orders: *orders,
            amount: parse_micros(amount.get())
                .unwrap_or_else(|_| text_error(format!("invalid amount {}", amount.get()))),
        })
        .collect();
    if days.is_empty() || days.iter().any(|d| d.orders == 0) {
        text_error("every summary has at least one purchase day, each with at least one order");
    }
    let n = normalize(&mut days).unwrap_or_else(|e| bad_summary(e, INVALID_TEXT_REPRESENTATION));
    if n != days.len() {
        text_error("purchase days must be distinct");
    }
    CustomerSummary::from_days(&days)
}

#[pg_extern(immutable, parallel_safe, strict)]
fn customer_summary_out(summary: CustomerSummary) -> CString {
    let s = summary.view();
    let amounts: Vec<Box<RawValue>> = s.iter().map(|d| amount_json(d.amount.into())).collect();
    let text = SummaryText {
        version: clv_core::summary::FORMAT_VERSION,
        orders: s.order_count(),
        purchase_days: s.purchase_days(),
        first_order: Some(IsoDay(s.first_day())),
        last_order: Some(IsoDay(s.last_day())),
        total_spend: Some(amount_json(s.total_spend())),
        days: s.iter().zip(&amounts).map(|(d, a)| (IsoDay(d.day), d.orders, a.as_ref())).collect(),
    };
    CString::new(serde_json::to_string(&text).expect("serializable")).expect("JSON has no NUL")
}

/// Binary input: the stored format itself, checked completely.
#[pg_extern(immutable, parallel_safe, strict)]
fn customer_summary_recv(mut buffer: Internal) -> CustomerSummary {
    // SAFETY: the argument of a receive function.
    let bytes = unsafe { VarlenaBytes::receive(&mut buffer) };
    let view =
        SummaryView::validated(bytes).unwrap_or_else(|e| bad_summary(e, INVALID_BINARY_REPRESENTATION));
    let days: Vec<PurchaseDay> = view.iter().collect();
    CustomerSummary::from_days(&days)
}

/// Binary output: the stored format (version byte first).
#[pg_extern(immutable, parallel_safe, strict)]
fn customer_summary_send(summary: CustomerSummary) -> Vec<u8> {
    summary.0.bytes().to_vec()
}

extension_sql_file!(
    "customer_summary_type.sql",
    name = "customer_summary_type",
    requires = [
        "customer_summary_shell",
        customer_summary_in,
        customer_summary_out,
        customer_summary_recv,
        customer_summary_send
    ],
);
