/*
 * techwin snooze: a deal stalled for a known reason (the champion is on
 * leave) has its momentum findings reported as snoozed, not as errors,
 * through a date. The snooze is part of the deal row, so setting and
 * clearing it leave history like any other change.
 */
#include "cli/cli.h"
#include "core/momentum.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <string.h>

static json_t *
snooze_json(const struct deal *d, tw_date today)
{
	json_t *o = json_object();

	json_object_set_new(o, "deal", json_string(d->slug));
	json_object_set_new(o, "snoozed",
			    json_boolean(deal_is_snoozed(d, today)));
	json_object_set_new(o, "until", json_date(d->snooze_until));
	json_object_set_new(o, "reason", json_str(d->snooze_reason));
	return o;
}

static void
snooze_text(const struct deal *d, tw_date today, struct strbuf *sb)
{
	char b[DATE_BUFSZ];

	if (deal_is_snoozed(d, today))
		strbuf_addf(sb, "deal '%s' is snoozed through %s: %s\n",
			    d->slug, date_format(d->snooze_until, b),
			    d->snooze_reason ? d->snooze_reason : "");
	else if (d->snooze_until)
		strbuf_addf(sb, "deal '%s' is not snoozed (the snooze ended "
			    "on %s)\n", d->slug,
			    date_format(d->snooze_until, b));
	else
		strbuf_addf(sb, "deal '%s' is not snoozed\n", d->slug);
}

static int
cmd_snooze_exec(struct cli_ctx *ctx, int argc, char **argv,
		struct tw_error *err)
{
	struct snooze_args { tw_date until; const char *reason; } a = {
		DATE_NONE, NULL };
	struct cli_run run;
	bool clear = false;
	const struct cli_opt opts[] = {
		{ "until", OPT_DATE, &a.until },
		{ "reason", OPT_STR, &a.reason },
		{ "clear", OPT_FLAG, &clear },
		{ NULL, 0, NULL },
	};
	const char *slug;
	int r;

	r = cli_options_exact(&cmd_snooze_entry, argc, argv, opts, 1,
			      "snooze takes exactly one SLUG", err);
	if (r < 0)
		return r;
	slug = argv[optind];
	if (clear && (a.until || a.reason))
		return cmd_usage_error(&cmd_snooze_entry, err,
				       "--clear cannot be combined with "
				       "--until or --reason");
	if (!clear && !!a.until != !!a.reason)
		return cmd_usage_error(&cmd_snooze_entry, err,
				       "snooze needs both --until and "
				       "--reason");
	cli_run_init(&run, ctx, clear ? V_UNSNOOZE : V_SNOOZE, NULL);
	run.c.until = a.until;
	run.c.reason = a.reason;
	if (clear || a.until)
		r = cli_run_verb(ctx, &run, slug, err);
	else
		r = store_load_ctx(ctx->st, slug, &run.dc, err);
	if (r < 0)
		goto out;
	if (ctx->json)
		json_emit(snooze_json(&run.dc.deal, ctx->today), &run.out);
	else if (clear)
		strbuf_addf(&run.out, run.res.was_snoozed
					      ? "deal '%s' is no longer "
						"snoozed\n"
					      : "deal '%s' was not snoozed\n",
			    slug);
	else
		snooze_text(&run.dc.deal, ctx->today, &run.out);
out:
	return cli_run_finish(&run, r);
}

const struct cmd_entry cmd_snooze_entry = {
	.name = "snooze", .flags = NEED_STORE, .exec = cmd_snooze_exec,
};
