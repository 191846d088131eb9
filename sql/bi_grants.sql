-- What a read-only BI login and an analyst who owns nothing need (docs/security.md), in the
-- database that holds pg_clv, the orders and the views of sql/segments.sql and the demo:
--     psql -d DATABASE -v bi_role=bi_reader -v analyst_role=analyst -f sql/bi_grants.sql
-- Both roles must exist (CREATE ROLE bi_reader LOGIN PASSWORD '...'). Run it again after
-- creating new views or tables.

-- The BI login reads the views and nothing else: SELECT on them is all it needs. The clv
-- functions inside a view run as the caller (every one is SECURITY INVOKER), need only
-- EXECUTE, which PostgreSQL grants to PUBLIC, and no USAGE on schema clv: the view refers to
-- them by OID, not by name.
GRANT SELECT ON customer_facts, lifecycle_overview, wake_up_list, spend_surge, shrinking_basket,
    upsell_list, vip_at_risk, replenishment_due, rfm_segments, rfm_segment_overview, cohort_retention,
    customer_predictions, customer_scores, customer_scores_view, segment_forecast
TO :"bi_role";

-- The analyst writes SQL with clv functions over the orders and summaries: USAGE on schema clv
-- lets them name the functions, SELECT lets them read what the functions compute from.
GRANT USAGE ON SCHEMA clv TO :"analyst_role";
GRANT SELECT ON ALL TABLES IN SCHEMA public TO :"analyst_role";
