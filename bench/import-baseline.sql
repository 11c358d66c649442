-- The baseline of the import benchmark (bench/run, BENCHMARKS.md): the
-- rows techwin stores for the plan files, as CSV written by bench/gen, into
-- a database made by `techwin init` (the same schema, from techwin's own
-- migrations), in one transaction with foreign keys checked, as techwin
-- writes them. Run from the pipeline's directory: sqlite3 base.db < this.
--
-- bench/run drops the partial index deals_crm first: .import cannot write
-- NULL, so the CSV's empty crm_source/crm_id would be indexed (and
-- collide) where techwin's NULLs are not.
PRAGMA foreign_keys = ON;
BEGIN;
.import --csv rows/deals.csv deals
.import --csv rows/criteria.csv criteria
.import --csv rows/events.csv events
.import --csv rows/risks.csv risks
.import --csv rows/phases.csv phases
.import --csv rows/phase_criteria.csv phase_criteria
COMMIT;
