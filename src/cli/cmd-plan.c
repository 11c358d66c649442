/*
 * techwin plan SLUG [--apply [--dry-run]]: the commercial timeline a technical win buys.
 */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "core/commercial.h"
#include "core/criterion.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char *const weekday_names[] = { "Mon", "Tue", "Wed", "Thu",
	"Fri", "Sat", "Sun" };

static void
blocked_text(const struct deal *d, const struct commercial_plan *p,
	     struct strbuf *sb)
{
	if (!d->ncriteria) {
		strbuf_addf(sb, "no technical win yet: deal '%s' has no "
			    "success criteria\n", d->slug);
		return;
	}
	if (!p->nblocking) {
		strbuf_addf(sb, "no technical win date: every criterion "
			    "passed, but none has a measured_on date\n");
		return;
	}
	strbuf_addf(sb, "no technical win yet: %zu of %zu criteri%s still "
		    "block%s it\n", p->nblocking, d->ncriteria,
		    d->ncriteria == 1 ? "on" : "a",
		    p->nblocking == 1 ? "s" : "");
	for (size_t i = 0; i < p->nblocking; i++) {
		const struct criterion *c =
			deal_find_criterion(d, p->blocking[i]);
		struct criterion_eval ev;

		criterion_evaluate(c, &ev);
		strbuf_addf(sb, "  %-20s %s\n", c->key,
			    crit_status_name(ev.status));
	}
}

static void
plan_to_text(const struct deal *d, const struct commercial_plan *p,
	     struct strbuf *sb)
{
	char b[DATE_BUFSZ];

	if (!p->technical_win) {
		blocked_text(d, p, sb);
		return;
	}
	strbuf_addf(sb, "technical win: %s %s\n",
		    date_format(p->technical_win, b),
		    weekday_names[date_weekday(p->technical_win)]);
	for (size_t i = 0; i < p->nsteps; i++)
		strbuf_addf(sb, "  %s %s  %-10s  %s\n",
			    date_format(p->steps[i].date, b),
			    weekday_names[date_weekday(p->steps[i].date)],
			    event_kind_name(p->steps[i].kind),
			    p->steps[i].title ? p->steps[i].title : "");
	strbuf_addf(sb, "contract target: %s %s",
		    date_format(p->contract_target, b),
		    weekday_names[date_weekday(p->contract_target)]);
	if (d->has_procurement_days)
		strbuf_addf(sb, " (procurement %d business days)",
			    d->procurement_days);
	strbuf_addch(sb, '\n');
}

/* The events an apply added, or would add: the deal's last. */
static void
added_to_text(const struct deal *d, size_t added, bool dry_run,
	      struct strbuf *sb)
{
	char b[DATE_BUFSZ];
	int width = 0;

	for (size_t i = d->nevents - added; i < d->nevents; i++)
		if ((int)strlen(d->events[i].key) > width)
			width = (int)strlen(d->events[i].key);
	strbuf_addf(sb, "%s %zu planned event%s to deal '%s'%s\n",
		    dry_run ? "would add" : "added", added,
		    added == 1 ? "" : "s", d->slug,
		    dry_run && added ? " (dry run: nothing changed)" : "");
	for (size_t i = d->nevents - added; i < d->nevents; i++) {
		const struct event *e = &d->events[i];

		strbuf_addf(sb, "  %s %s  %-*s  %s", date_format(e->date, b),
			    weekday_names[date_weekday(e->date)], width,
			    e->key, e->title);
		if (e->owner)
			strbuf_addf(sb, " (owner: %s)", e->owner);
		strbuf_addch(sb, '\n');
	}
}

static int
cmd_plan_exec(struct cli_ctx *ctx, int argc, char **argv,
	      struct tw_error *err)
{
	struct commercial_plan plan;
	struct cli_run run;
	bool apply = false, dry_run = false;
	const struct cli_opt opts[] = {
		{ "apply", OPT_FLAG, &apply },
		{ "dry-run", OPT_FLAG, &dry_run },
		{ NULL, 0, NULL },
	};
	int r;

	r = cli_options_exact(&cmd_plan_entry, argc, argv, opts, 1,
			      "plan takes exactly one SLUG", err);
	if (r < 0)
		return r;
	if (dry_run && !apply)
		return cmd_usage_error(&cmd_plan_entry, err,
				       "--dry-run goes with --apply");
	cli_run_init(&run, ctx, V_PLAN_APPLY, NULL);
	run.c.dry_run = dry_run;
	if (apply)
		r = cli_run_verb(ctx, &run, argv[optind], err);
	else
		r = store_load_ctx(ctx->st, argv[optind], &run.dc, err);
	if (r < 0)
		goto out;
	if (apply && !ctx->json) {
		added_to_text(&run.dc.deal, run.res.added, dry_run, &run.out);
		goto out;
	}
	commercial_plan_compute(&run.dc.deal, &run.dc.hol, &plan);
	if (ctx->json) {
		json_t *j = commercial_plan_to_json(&plan);

		if (apply) {
			const struct deal *d = &run.dc.deal;
			json_t *ev = json_array();

			for (size_t i = d->nevents - run.res.added;
			     i < d->nevents; i++)
				json_array_append_new(
					ev, event_to_json(&d->events[i]));
			json_object_set_new(j, "added", json_integer(
						(json_int_t)run.res.added));
			json_object_set_new(j, "added_events", ev);
			json_object_set_new(j, "dry_run",
					    json_boolean(dry_run));
		}
		json_emit(j, &run.out);
	} else {
		plan_to_text(&run.dc.deal, &plan, &run.out);
	}
	commercial_plan_release(&plan);
out:
	return cli_run_finish(&run, r);
}

const struct cmd_entry cmd_plan_entry = {
	.name = "plan", .flags = NEED_STORE, .exec = cmd_plan_exec,
};
