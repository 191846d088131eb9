//! Stored summaries kept fresh at the cost of the orders that changed: a change log fed by
//! triggers on the orders table, and one refresh call a scheduled job runs (docs/refresh.md).
//! Plain PL/pgSQL in `refresh/summary_refresh.sql`: it only orchestrates SQL over the user's
//! tables, with `clv.customer_summary` and `clv.summary_merge` doing the work.

use pgrx::prelude::*;

extension_sql_file!(
    "refresh/summary_refresh.sql",
    name = "summary_refresh",
    requires = ["customer_summary_aggregates", "summary_merge"],
);
