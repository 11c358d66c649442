/*
 * bench/gen: a deterministic synthetic pipeline for the benchmarks
 * (BENCHMARKS.md). N deals with 6 criteria, 12 events, 2 risks and 3 phases
 * each, written three ways from the same numbers:
 *
 *   DIR/plans/deal-NNNNNN.yaml  one plan file per deal (techwin import)
 *   DIR/salesforce.csv          a Salesforce opportunity report, one row
 *                               per deal (techwin import --from salesforce)
 *   DIR/rows/TABLE.csv          the rows techwin stores for the plan files,
 *                               in the column order of its tables, for the
 *                               baseline `sqlite3 .import`
 *
 * Deal i depends only on the seed and i, so the 1k pipeline is the first
 * thousand deals of the 100k one. Dates are spread around --today so that
 * the momentum check finds every kind of problem in a realistic share of
 * deals (missing follow-ups, late ones, stale wins, risks at risk).
 *
 * Standalone on purpose: it shares no code with techwin, so a bug in the
 * code under test cannot change the data it is tested on.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NCRIT 6
#define NEVENTS 12
#define NRISKS 2
#define NPHASES 3

/* ---- randomness: splitmix64, one stream per deal ------------------- */

struct rng {
	uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

/* Uniform integer in [lo, hi]. */
static int
rng_int(struct rng *r, int lo, int hi)
{
	return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static const char *
rng_pick(struct rng *r, const char *const *list, size_t n)
{
	return list[rng_next(r) % n];
}
#define PICK(r, list) rng_pick(r, list, sizeof(list) / sizeof(list[0]))

/* ---- dates: days since 1970-01-01 (proleptic Gregorian) -------------- */

static int
days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int z, int *y, int *m, int *d)
{
	int era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday). */
static int
weekday(int day)
{
	return ((day % 7) + 7 + 3) % 7;
}

/* The day itself when it is a weekday, else the Monday after. */
static int
workday_on_or_after(int day)
{
	int w = weekday(day);

	return w >= 5 ? day + 7 - w : day;
}

/* day + n business days (Monday to Friday; the benchmark has no holidays). */
static int
add_bdays(int day, int n)
{
	while (n > 0) {
		day++;
		if (weekday(day) < 5)
			n--;
	}
	return day;
}

/* Room for any date civil_from_days can give. */
#define DATEBUF 40

/* ISO 8601 in a caller's buffer of DATEBUF bytes. */
static const char *
iso(int day, char *buf)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(buf, DATEBUF, "%04d-%02d-%02d", y, m, d);
	return buf;
}

/* "M/D/YYYY", as a US Salesforce org exports dates. */
static const char *
us_date(int day, char *buf)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(buf, DATEBUF, "%d/%d/%d", m, d, y);
	return buf;
}

/* ---- the synthetic deal ---------------------------------------------- */

struct gcrit {
	const char *key, *metric, *unit, *outcome;
	bool at_most;
	double required, measured;
	int measured_on;
	int growth;
};

struct gevent {
	char key[24];
	bool technical;
	char title[96];
	const char *owner;
	int date;
	int done;		/* -1: not done */
	const char *after;	/* NULL: none */
};

struct grisk {
	const char *key, *title, *kind;
	int deadline;
	char buffer[8], duration[8];
};

struct gphase {
	int number;
	const char *name, *scope, *justification;
	double price;
	const char *crit[2];
	const char *duration;
};

struct gdeal {
	char slug[32];	/* room for any long, so the format never truncates */
	char account[96];
	const char *stage, *currency, *ae, *se, *outcome;
	double value;
	int procurement_days;
	char champion[64], email[96];
	int poc_start, poc_end, close_date;
	struct gcrit crit[NCRIT];
	struct gevent ev[NEVENTS];
	struct grisk risk[NRISKS];
	struct gphase phase[NPHASES];
	/* Salesforce only. */
	char opp_id[40];
	int created;
};

static const char *const account_a[] = {
	"Lakeshore", "Northwind", "Blue Harbor", "Cobalt", "Pinecrest",
	"Meridian", "Tidewater", "Quarry", "Ferrolux", "Harbor", "Alder",
	"Brightwave", "Corvid", "Granite", "Silverline", "Redwood", "Summit",
	"Riverbend", "Ironbridge", "Westfield", "Oakmont", "Clearwater",
	"Stonegate", "Highland",
};
static const char *const account_b[] = {
	"Retail", "Logistics", "Bank", "Shipping", "Health", "Insurance",
	"Materials", "Security", "Energy", "Media", "Freight", "Foods",
	"Telecom", "Airlines", "Pharma", "Mobility", "Utilities", "Analytics",
};
static const char *const account_c[] = {
	"Group", "Inc.", "GmbH", "Ltd", "Holdings", "Cooperative", "SA",
	"Partners",
};
static const char *const first_names[] = {
	"Elena", "Daniel", "Priya", "Lukas", "Chiara", "Hannah", "Tomas",
	"Amelia", "Oliver", "Jonas", "Dana", "Lena", "Jan", "Sofia", "Marco",
	"Aisha", "Kenji", "Nora", "Rafael", "Ingrid", "Mateo", "Yara",
};
static const char *const last_names[] = {
	"Marsh", "Okafor", "Raman", "Meier", "Rossi", "Price", "Ferreira",
	"Shaw", "Hart", "Becker", "Whitfield", "Vogt", "Roth", "Lindqvist",
	"Moreau", "Tanaka", "Silva", "Kowalski", "Haddad", "Novak",
};
static const char *const aes[] = {
	"Daniel Okafor", "Lukas Meier", "Hannah Price", "Jonas Becker",
	"Dana Whitfield", "Oliver Hart", "Amelia Shaw", "Lena Vogt",
	"Marco Silva", "Sofia Moreau", "Rafael Novak", "Ingrid Tanaka",
};
static const char *const ses[] = {
	"Priya Raman", "Chiara Rossi", "Tomas Ferreira", "Jan Roth",
	"Aisha Haddad", "Kenji Lindqvist", "Nora Kowalski", "Mateo Marsh",
	"Yara Becker", "Elena Price", "Sofia Okafor", "Marco Hart",
	"Ingrid Shaw", "Rafael Vogt", "Lena Rossi", "Dana Raman",
};
static const char *const currencies[] = { "USD", "USD", "USD", "EUR",
					  "EUR", "GBP" };
static const char *const open_stages[] = { "poc", "poc", "proposal",
					   "negotiation", "discovery" };

static const struct {
	const char *key, *metric, *unit, *outcome;
	bool at_most;
	int lo, hi;		/* required value range */
} crit_kinds[NCRIT] = {
	{ "batch-runtime", "50M records processed end to end", "min",
	  "The nightly batch finishes before stores open", true, 10, 60 },
	{ "ingest-throughput", "Sustained event ingest", "events/s",
	  "Peak traffic lands without back-pressure", false, 5000, 50000 },
	{ "query-p95", "p95 latency of the main dashboards", "ms",
	  "Analysts stop exporting to spreadsheets", true, 500, 5000 },
	{ "data-freshness", "Age of the data in the warehouse", "min",
	  "Replenishment runs on this morning's numbers", true, 15, 120 },
	{ "source-connectors", "Source systems connected without custom code",
	  "connectors", "The integration backlog shrinks", false, 6, 30 },
	{ "cost-per-run", "Compute cost of one nightly run", "USD",
	  "Run cost drops against the current cluster", true, 200, 2000 },
};

/* Six technical events, each followed by a commercial one. */
static const struct {
	const char *tkey, *ttitle, *ckey, *ctitle;
} pairs[NEVENTS / 2] = {
	{ "poc-kickoff", "POC kickoff with the data engineering team",
	  "scoping-call", "Phase scoping call with the AE and the champion" },
	{ "arch-review", "Architecture review with the platform lead",
	  "arch-debrief", "Architecture debrief with the economic buyer" },
	{ "security-review", "Security review with the CISO office",
	  "security-terms", "Security terms agreed with procurement" },
	{ "load-test", "Peak load test on production data",
	  "sizing-call", "Sizing and pricing call" },
	{ "poc-readout", "POC results and Technical Win Summary to the CTO",
	  "exec-summary", "Executive summary delivered to the CFO" },
	{ "arch-signoff", "Architecture sign-off",
	  "contract-review", "Contract review begins with procurement" },
};

static const char *const phase_names[NPHASES] = {
	"Core data pipeline", "Real-time streaming", "European operations",
};
static const char *const phase_scopes[NPHASES] = {
	"Batch ingestion from the source systems and the warehouse model",
	"Point-of-sale events streamed into live views",
	"The same platform deployed in a second region",
};
static const char *const phase_just[NPHASES] = {
	"Meets the batch window with headroom at a lower run cost",
	"Sustained ingest above the requirement with room to grow",
	"The same pipeline and streaming layer, proven in the POC",
};
static const char *const phase_dur[] = { "75d", "8w", "12w", "40bd" };

/* Values as the benchmark prints them: integers stay integers. */
static double
round1(double v)
{
	return (double)(long long)(v * 10 + 0.5) / 10;
}

static void
make_deal(struct gdeal *g, uint64_t seed, long i, int today)
{
	struct rng r = { seed ^ ((uint64_t)(i + 1) * 0xd1b54a32d192ed03ULL) };
	const char *first = PICK(&r, first_names), *last = PICK(&r, last_names);
	double u = rng_unit(&r);
	int pocdays, step, day;
	bool won = u < 0.10, lost = !won && u < 0.15;

	memset(g, 0, sizeof(*g));
	snprintf(g->slug, sizeof(g->slug), "deal-%06ld", i + 1);
	snprintf(g->account, sizeof(g->account), "%s %s %s %ld",
		 PICK(&r, account_a), PICK(&r, account_b), PICK(&r, account_c),
		 i + 1);
	g->currency = PICK(&r, currencies);
	g->ae = PICK(&r, aes);
	g->se = PICK(&r, ses);
	g->value = 1000.0 * rng_int(&r, 40, 2500);
	g->procurement_days = rng_int(&r, 5, 30);
	snprintf(g->champion, sizeof(g->champion), "%s %s", first, last);
	snprintf(g->email, sizeof(g->email), "%s.%s@customer%ld.example", first,
		 last, i + 1);
	for (char *p = g->email; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');

	/*
	 * Closed deals ran their POC months ago; open ones started theirs
	 * between last spring and a month ago (every criterion is measured,
	 * so the baseline's CSV never needs a NULL number).
	 */
	day = today - (won || lost ? rng_int(&r, 150, 330) : rng_int(&r, 20, 200));
	g->poc_start = workday_on_or_after(day);
	pocdays = 7 * rng_int(&r, 3, 8) - 3;
	g->poc_end = g->poc_start + pocdays;
	g->outcome = won ? "won" : lost ? "lost" : "open";
	g->stage = won || lost ? "closed" : PICK(&r, open_stages);
	g->close_date = won || lost ? g->poc_end + rng_int(&r, 15, 60)
				    : today + rng_int(&r, 20, 180);
	g->created = g->poc_start - rng_int(&r, 10, 60);
	snprintf(g->opp_id, sizeof(g->opp_id), "0065g%013ld", i + 1);

	for (int k = 0; k < NCRIT; k++) {
		struct gcrit *c = &g->crit[k];
		double req = rng_int(&r, crit_kinds[k].lo, crit_kinds[k].hi);
		bool pass = rng_unit(&r) < 0.92;
		double f = pass ? 0.5 + 0.45 * rng_unit(&r)
				: 1.05 + 0.25 * rng_unit(&r);

		c->key = crit_kinds[k].key;
		c->metric = crit_kinds[k].metric;
		c->unit = crit_kinds[k].unit;
		c->outcome = crit_kinds[k].outcome;
		c->at_most = crit_kinds[k].at_most;
		c->required = req;
		c->measured = round1(c->at_most ? req * f : req / f);
		c->measured_on = g->poc_start + pocdays * (k + 1) / NCRIT;
		if (c->measured_on > today)
			c->measured_on = today;
		c->growth = rng_int(&r, 5, 60);
	}

	/*
	 * Technical events every few days through the POC; each commercial
	 * step follows its technical event after 1 to 4 business days,
	 * except now and then: late (done after the window) or slipped
	 * (planned after the window and never done).
	 */
	step = pocdays / (NEVENTS / 2);
	for (int k = 0; k < NEVENTS / 2; k++) {
		struct gevent *t = &g->ev[2 * k], *c = &g->ev[2 * k + 1];
		double v = rng_unit(&r);
		int gap = v < 0.03 ? rng_int(&r, 7, 15)
			  : v < 0.06 ? -rng_int(&r, 8, 20) : rng_int(&r, 1, 4);

		snprintf(t->key, sizeof(t->key), "%s", pairs[k].tkey);
		snprintf(t->title, sizeof(t->title), "%s", pairs[k].ttitle);
		t->technical = true;
		t->owner = g->se;
		t->date = workday_on_or_after(g->poc_start + step * k);
		t->done = t->date <= today ? t->date : -1;
		snprintf(c->key, sizeof(c->key), "%s", pairs[k].ckey);
		snprintf(c->title, sizeof(c->title), "%s", pairs[k].ctitle);
		c->owner = g->ae;
		c->after = t->key;
		c->date = add_bdays(t->date, gap < 0 ? -gap : gap);
		c->done = gap > 0 && c->date <= today ? c->date : -1;
	}

	for (int k = 0; k < NRISKS; k++) {
		struct grisk *rk = &g->risk[k];

		rk->key = k ? "audit-deadline" : "peak-season";
		rk->title = k ? "The current platform fails the regulator's audit"
			      : "Current batch processing will not handle the peak";
		rk->kind = k ? "compliance" : "scaling";
		rk->deadline = today + rng_int(&r, 40, 420);
		snprintf(rk->buffer, sizeof(rk->buffer), "%dd",
			 7 * rng_int(&r, 1, 3));
		snprintf(rk->duration, sizeof(rk->duration), "%dw",
			 rng_int(&r, 4, 16));
	}

	for (int k = 0; k < NPHASES; k++) {
		struct gphase *p = &g->phase[k];

		p->number = k + 1;
		p->name = phase_names[k];
		p->scope = phase_scopes[k];
		p->justification = phase_just[k];
		p->price = 1000.0 * rng_int(&r, 20, 600);
		p->crit[0] = crit_kinds[2 * k].key;
		p->crit[1] = crit_kinds[2 * k + 1].key;
		p->duration = PICK(&r, phase_dur);
	}
}

/* ---- writers ---------------------------------------------------------- */

static void
die(const char *what, const char *path)
{
	fprintf(stderr, "gen: %s '%s': %s\n", what, path, strerror(errno));
	exit(1);
}

static FILE *
open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *fp;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		die("cannot create", name);
	}
	fp = fopen(path, "w");
	if (!fp)
		die("cannot create", path);
	return fp;
}

static void
close_out(FILE *fp, const char *name)
{
	if (ferror(fp) | fclose(fp))
		die("cannot write", name);
}

/* %.15g keeps 415000 as "415000" and 9.5 as "9.5". */
static void
plan_write(const struct gdeal *g, FILE *fp)
{
	char b1[DATEBUF], b2[DATEBUF];

	fprintf(fp, "version: 1\ndeal:\n  slug: %s\n  account: %s\n"
		"  stage: %s\n  value: %.15g\n  currency: %s\n  ae: %s\n"
		"  se: %s\n  procurement_days: %d\n  champion:\n"
		"    name: %s\n    email: %s\n  poc:\n    start: %s\n"
		"    end: %s\n  close:\n",
		g->slug, g->account, g->stage, g->value, g->currency, g->ae,
		g->se, g->procurement_days, g->champion, g->email,
		iso(g->poc_start, b1), iso(g->poc_end, b2));
	fprintf(fp, "    date: %s\n    outcome: %s\ncriteria:\n",
		iso(g->close_date, b1), g->outcome);
	for (int k = 0; k < NCRIT; k++) {
		const struct gcrit *c = &g->crit[k];

		fprintf(fp, "  - key: %s\n    metric: %s\n    unit: %s\n"
			"    %s: %.15g\n    measured: %.15g\n"
			"    measured_on: %s\n    growth_pct: %d\n"
			"    outcome: %s\n",
			c->key, c->metric, c->unit,
			c->at_most ? "at_most" : "at_least", c->required,
			c->measured, iso(c->measured_on, b1), c->growth,
			c->outcome);
	}
	fputs("events:\n", fp);
	for (int k = 0; k < NEVENTS; k++) {
		const struct gevent *e = &g->ev[k];

		fprintf(fp, "  - key: %s\n    kind: %s\n    title: %s\n"
			"    owner: %s\n    date: %s\n",
			e->key, e->technical ? "technical" : "commercial",
			e->title, e->owner, iso(e->date, b1));
		if (e->done >= 0)
			fprintf(fp, "    done: %s\n", iso(e->done, b1));
		if (e->after)
			fprintf(fp, "    after: %s\n", e->after);
	}
	fputs("risks:\n", fp);
	for (int k = 0; k < NRISKS; k++) {
		const struct grisk *rk = &g->risk[k];

		fprintf(fp, "  - key: %s\n    title: %s\n    kind: %s\n"
			"    deadline: %s\n    buffer: %s\n    duration: %s\n",
			rk->key, rk->title, rk->kind, iso(rk->deadline, b1),
			rk->buffer, rk->duration);
	}
	fputs("phases:\n", fp);
	for (int k = 0; k < NPHASES; k++) {
		const struct gphase *p = &g->phase[k];

		fprintf(fp, "  - number: %d\n    name: %s\n    scope: %s\n"
			"    price: %.15g\n    justification: %s\n"
			"    criteria:\n      - %s\n      - %s\n"
			"    duration: %s\n",
			p->number, p->name, p->scope, p->price,
			p->justification, p->crit[0], p->crit[1], p->duration);
	}
}

/* One CSV field, quoted when it must be (RFC 4180). */
static void
csv_field(FILE *fp, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', fp);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', fp);
			fputc(*s, fp);
		}
		fputc('"', fp);
	} else {
		fputs(s, fp);
	}
	fputc(last ? '\n' : ',', fp);
}

struct rows_out {
	FILE *deals, *criteria, *events, *risks, *phases, *phase_criteria;
	long rows;
};

/*
 * The rows of the tables in their column order (store-sqlite.c's
 * migrations; bench/run checks the counts against techwin's database).
 * pos counts from 0 as the store does. Absent values are empty fields:
 * `sqlite3 .import` cannot write NULL, and the benchmark only needs the
 * same amount of work.
 */
static void
rows_write(const struct gdeal *g, long id, struct rows_out *o)
{
	char b1[DATEBUF], b2[DATEBUF], b3[DATEBUF];

	fprintf(o->deals, "%ld,%s,%s,%s,%.15g,%s,%s,%s,%d,%s,%s,%s,%s,%s,%s,"
		",,,,,\n",
		id, g->slug, g->account, g->stage, g->value, g->currency,
		g->ae, g->se, g->procurement_days, g->champion, g->email,
		iso(g->poc_start, b1), iso(g->poc_end, b2),
		iso(g->close_date, b3), g->outcome);
	o->rows++;
	for (int k = 0; k < NCRIT; k++) {
		const struct gcrit *c = &g->crit[k];

		fprintf(o->criteria, "%ld,%s,%d,%s,%s,%s,%.15g,%.15g,%s,%d,",
			id, c->key, k, c->metric, c->unit,
			c->at_most ? "at_most" : "at_least", c->required,
			c->measured, iso(c->measured_on, b1), c->growth);
		csv_field(o->criteria, c->outcome, false);
		fputs("1\n", o->criteria);	/* scales_with_load */
		o->rows++;
	}
	for (int k = 0; k < NEVENTS; k++) {
		const struct gevent *e = &g->ev[k];

		fprintf(o->events, "%ld,%s,%d,%s,%s,%s,%s,%s,%s,seller,0,,,,\n",
			id, e->key,
			k, e->technical ? "technical" : "commercial",
			e->title, e->owner, iso(e->date, b1),
			e->done >= 0 ? iso(e->done, b2) : "",
			e->after ? e->after : "");
		o->rows++;
	}
	for (int k = 0; k < NRISKS; k++) {
		const struct grisk *rk = &g->risk[k];

		fprintf(o->risks, "%ld,%s,%d,%s,%s,%s,%s,%s\n", id, rk->key, k,
			rk->title, rk->kind, iso(rk->deadline, b1), rk->buffer,
			rk->duration);
		o->rows++;
	}
	for (int k = 0; k < NPHASES; k++) {
		const struct gphase *p = &g->phase[k];

		fprintf(o->phases, "%ld,%d,%d,%s,%s,%.15g,", id, p->number, k,
			p->name, p->scope, p->price);
		csv_field(o->phases, p->justification, false);
		fprintf(o->phases, "%s,0,\n", p->duration);	/* not internal */
		for (int j = 0; j < 2; j++)
			fprintf(o->phase_criteria, "%ld,%d,%d,%s\n", id,
				p->number, j, p->crit[j]);
		o->rows += 3;
	}
}

static const char *const sf_header[] = {
	"Opportunity Owner", "Account Name", "Opportunity Name",
	"Opportunity ID", "Stage", "Fiscal Period", "Amount Currency",
	"Amount", "Probability (%)", "Age", "Close Date", "Created Date",
	"Next Step", "Lead Source", "Type",
};

static const char *
sf_stage(const struct gdeal *g)
{
	if (!strcmp(g->outcome, "won"))
		return "Closed Won";
	if (!strcmp(g->outcome, "lost"))
		return "Closed Lost";
	if (!strcmp(g->stage, "discovery"))
		return "Qualification";
	if (!strcmp(g->stage, "poc"))
		return "Value Proposition";
	if (!strcmp(g->stage, "proposal"))
		return "Proposal/Price Quote";
	return "Negotiation/Review";
}

/* Report rows as Salesforce writes them: every field quoted, CRLF. */
static void
sf_write(const struct gdeal *g, int today, FILE *fp)
{
	char name[160], amount[32], close[DATEBUF], created[DATEBUF];
	char period[32];
	int y, m, d;
	long v = (long)g->value;

	civil_from_days(g->close_date, &y, &m, &d);
	snprintf(period, sizeof(period), "Q%d-%d", (m + 2) / 3, y);
	snprintf(name, sizeof(name), "%s - %s", g->account,
		 g->phase[0].name);
	if (v >= 1000000)
		snprintf(amount, sizeof(amount), "%ld,%03ld,%03ld.00",
			 v / 1000000, v / 1000 % 1000, v % 1000);
	else
		snprintf(amount, sizeof(amount), "%ld,%03ld.00", v / 1000,
			 v % 1000);
	fprintf(fp, "\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\","
		"\"%s\",\"%d\",\"%d\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\"\r\n",
		g->ae, g->account, name, g->opp_id, sf_stage(g), period,
		g->currency, amount,
		!strcmp(g->outcome, "won") ? 100
		: !strcmp(g->outcome, "lost") ? 0 : 50,
		today - g->created, us_date(g->close_date, close),
		us_date(g->created, created), "Pricing call with the CFO",
		"Partner Referral", "New Customer");
}

static void
make_dir(const char *path)
{
	if (mkdir(path, 0777) < 0 && errno != EEXIST)
		die("cannot create", path);
}

static void
usage(void)
{
	fputs("usage: gen [--seed N] [--today YYYY-MM-DD] N DIR\n", stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	uint64_t seed = 20261126;
	int y = 2026, m = 11, d = 26, today;
	char path[4096], name[64];
	struct rows_out o;
	FILE *sf;
	long n;
	int i = 1;

	for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--today") &&
			 sscanf(argv[i + 1], "%d-%d-%d", &y, &m, &d) == 3)
			continue;
		else
			usage();
	}
	if (argc - i != 2 || (n = strtol(argv[i], NULL, 10)) <= 0 ||
	    n > 999999)
		usage();
	today = days_from_civil(y, m, d);

	make_dir(argv[i + 1]);
	snprintf(path, sizeof(path), "%s/plans", argv[i + 1]);
	make_dir(path);
	snprintf(path, sizeof(path), "%s/rows", argv[i + 1]);
	make_dir(path);
	o.deals = open_out(path, "deals.csv");
	o.criteria = open_out(path, "criteria.csv");
	o.events = open_out(path, "events.csv");
	o.risks = open_out(path, "risks.csv");
	o.phases = open_out(path, "phases.csv");
	o.phase_criteria = open_out(path, "phase_criteria.csv");
	o.rows = 0;
	sf = open_out(argv[i + 1], "salesforce.csv");
	for (size_t k = 0; k < sizeof(sf_header) / sizeof(*sf_header); k++)
		fprintf(sf, "\"%s\"%s", sf_header[k],
			k + 1 < sizeof(sf_header) / sizeof(*sf_header) ? ","
									: "\r\n");

	snprintf(path, sizeof(path), "%s/plans", argv[i + 1]);
	for (long k = 0; k < n; k++) {
		struct gdeal g;
		FILE *fp;

		make_deal(&g, seed, k, today);
		snprintf(name, sizeof(name), "%s.yaml", g.slug);
		fp = open_out(path, name);
		plan_write(&g, fp);
		close_out(fp, name);
		rows_write(&g, k + 1, &o);
		sf_write(&g, today, sf);
	}
	/* The footer a report export ends with; import skips it. */
	fputs("\r\n\"Generated By:\"\r\n\"techwin bench/gen\"\r\n"
	      "\"Confidential Information - Do Not Distribute\"\r\n", sf);
	close_out(sf, "salesforce.csv");
	close_out(o.deals, "deals.csv");
	close_out(o.criteria, "criteria.csv");
	close_out(o.events, "events.csv");
	close_out(o.risks, "risks.csv");
	close_out(o.phases, "phases.csv");
	close_out(o.phase_criteria, "phase_criteria.csv");
	printf("%ld deals, %ld rows\n", n, o.rows);
	return 0;
}
