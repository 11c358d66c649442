-- The baseline of the check benchmark (bench/run, BENCHMARKS.md): the
-- no-commercial-followup findings of `techwin check` as one SQL query over
-- techwin's own database. A technical event done by today, more than
-- max_gap business days ago, with no commercial event dated (done, or
-- planned) within max_gap business days after it, and none done later
-- either (that would be late-commercial-followup). Open deals only.
--
-- Business days are Monday to Friday: the benchmark pipeline has no
-- holidays. Days are counted from 1970-01-01, a Thursday, so the weekday
-- of day n is (n + 3) % 7 with Monday 0. d + n business days (n >= 1) from
-- a weekday w is d + n + 2 * ((w + n) / 5); a weekend day counts from the
-- Friday before. Parameters: today and max_gap, in the first CTE.
WITH p(today, today_day, gap) AS (
  SELECT '2026-11-26', unixepoch('2026-11-26') / 86400, 5
),
tech AS (
  SELECT d.slug, e.deal_id, e.pos, e."key", e.done,
         unixepoch(e.done) / 86400 AS dd
  FROM deals d JOIN events e ON e.deal_id = d.id, p
  WHERE d.outcome = 'open' AND e.kind = 'technical'
    AND e.done IS NOT NULL AND e.done <= p.today
),
base AS (
  SELECT tech.*,
         dd - max((dd + 3) % 7 - 4, 0) AS b,
         min((dd + 3) % 7, 4) AS w
  FROM tech
),
win AS (
  SELECT base.*,
         date((b + p.gap + 2 * ((w + p.gap) / 5)) * 86400, 'unixepoch')
           AS window_end,
         b + p.gap + 1 + 2 * ((w + p.gap + 1) / 5) AS past_day
  FROM base, p
)
SELECT win.slug, win."key", win.done, win.window_end
FROM win, p
WHERE p.today_day >= win.past_day
  AND NOT EXISTS (
    SELECT 1 FROM events c
    WHERE c.deal_id = win.deal_id AND c.kind = 'commercial'
      AND coalesce(c.done, c."date") >= win.done
      AND coalesce(c.done, c."date") <= win.window_end)
  AND NOT EXISTS (
    SELECT 1 FROM events c
    WHERE c.deal_id = win.deal_id AND c.kind = 'commercial'
      AND c.done IS NOT NULL AND c.done <= p.today
      AND c.done > win.window_end)
ORDER BY win.slug, win.pos;
