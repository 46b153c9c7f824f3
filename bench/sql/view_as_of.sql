-- Time travel to a moment after every load: the public views answer the current state, but through their history
-- definitions (what they all computed before materialised views, and what --as-of still takes).
SET VARIABLE as_of = TIMESTAMPTZ '9999-12-31 00:00:00+00';
