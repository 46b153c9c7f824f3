-- Whether a load was begun here and never finished: the only loads whose package the writer may apply. A package
-- of any other load was not written by a run of this warehouse (a forged one planted in the packages folder).
SELECT EXISTS (SELECT 1 FROM load_log WHERE load_id = $load_id AND finished_at IS NULL);
