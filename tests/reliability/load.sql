-- One pgbench transaction of scripts/reliability.sh: what dashboards and analysts run all day
-- against stored summaries and models (100k customers).
\set id random(1, 99000)
-- scoring one customer
SELECT clv.p_alive(m.purchases, s.s, '2024-06-30'), clv.expected_purchases(m.pareto, s.s, '2024-06-30', 90),
       clv.customer_value(m.purchases, m.spend, s.s, '2024-06-30'), clv.expected_next_order_date(m.purchases, s.s, '2024-06-30')
FROM load_summaries s, load_models m WHERE s.customer_id = :id;
-- a segment page of 200 customers
SELECT clv.lifecycle_stage(s.s, '2024-06-30'), clv.rfm_segment(clv.rfm_score(s.s, m.breaks, '2024-06-30')),
       clv.prob_no_purchase(m.purchases, s.s, '2024-06-30', 30)
FROM load_summaries s, load_models m WHERE s.customer_id BETWEEN :id AND :id + 200;
-- a small fit and a cohort row
SELECT clv.bgnbd_fit(s, '2024-06-30'), clv.gamma_gamma_fit(s, '2024-06-30') FROM load_summaries WHERE customer_id BETWEEN :id AND :id + 1000;
SELECT count(*) FROM load_summaries s, clv.retention_periods(s.s, 'month', '2024-06-30') WHERE s.customer_id BETWEEN :id AND :id + 20;
