/*
 * techwin plan SLUG [--apply]: the commercial timeline a technical win buys.
 */
#include "cli/cli.h"
#include "core/commercial.h"
#include "core/criterion.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <string.h>

static const char *const weekday_names[] = { "Mon", "Tue", "Wed", "Thu",
	"Fri", "Sat", "Sun" };

/* "plan-" + the title in [a-z0-9-], cut to a valid key length. */
static char *
step_key(const char *title)
{
	struct strbuf sb = STRBUF_INIT;
	bool dash = true;

	strbuf_addstr(&sb, "plan-");
	for (const char *p = title; *p && sb.len < DEAL_SLUG_MAX; p++) {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			strbuf_addch(&sb, c);
			dash = false;
		} else if (!dash) {
			strbuf_addch(&sb, '-');
			dash = true;
		}
	}
	while (sb.len && sb.buf[sb.len - 1] == '-')
		strbuf_setlen(&sb, sb.len - 1);
	return strbuf_detach(&sb, NULL);
}

struct apply_args {
	size_t added;
};

/* Add each step as a planned event unless an event with its key exists. */
static int
apply_plan(struct deal *d, void *arg, struct tw_error *err)
{
	struct apply_args *a = arg;
	struct holidays h = deal_holidays(d);
	struct commercial_plan plan;

	commercial_plan_compute(d, &h, &plan);
	if (!plan.technical_win) {
		commercial_plan_release(&plan);
		return tw_error_set(err, TW_EINPUT,
				    "deal '%s' has no technical win yet; "
				    "nothing to apply", d->slug);
	}
	for (size_t i = 0; i < plan.nsteps; i++) {
		char *key = step_key(plan.steps[i].title);
		struct event *e;

		if (deal_find_event(d, key)) {
			free(key);
			continue;
		}
		e = deal_add_event(d);
		e->key = key;
		e->kind = plan.steps[i].kind;
		e->title = xstrdup(plan.steps[i].title);
		e->date = plan.steps[i].date;
		a->added++;
	}
	commercial_plan_release(&plan);
	return 0;
}

static json_t *
plan_to_json(const struct commercial_plan *p)
{
	json_t *o = json_object(), *a = json_array();

	json_object_set_new(o, "technical_win_date", json_date(p->technical_win));
	for (size_t i = 0; i < p->nblocking; i++)
		json_array_append_new(a, json_string(p->blocking[i]));
	json_object_set_new(o, "blocking", a);
	a = json_array();
	for (size_t i = 0; i < p->nsteps; i++) {
		json_t *s = json_object();

		json_object_set_new(s, "title", json_str(p->steps[i].title));
		json_object_set_new(s, "kind",
				    json_string(event_kind_name(p->steps[i].kind)));
		json_object_set_new(s, "date", json_date(p->steps[i].date));
		json_array_append_new(a, s);
	}
	json_object_set_new(o, "steps", a);
	json_object_set_new(o, "contract_target", json_date(p->contract_target));
	return o;
}

static void
plan_to_text(const struct deal *d, const struct commercial_plan *p,
	     struct strbuf *sb)
{
	char b[DATE_BUFSZ];

	if (!p->technical_win) {
		if (!d->ncriteria) {
			strbuf_addf(sb, "no technical win yet: deal '%s' has no "
				    "success criteria\n", d->slug);
			return;
		}
		strbuf_addf(sb, "no technical win yet: %zu of %zu criteria "
			    "still block it\n", p->nblocking, d->ncriteria);
		for (size_t i = 0; i < p->nblocking; i++) {
			const struct criterion *c =
				deal_find_criterion(d, p->blocking[i]);
			struct criterion_eval ev;

			criterion_evaluate(c, &ev);
			strbuf_addf(sb, "  %-20s %s\n", c->key,
				    crit_status_name(ev.status));
		}
		return;
	}
	strbuf_addf(sb, "technical win: %s (%s)\n",
		    date_format(p->technical_win, b),
		    weekday_names[date_weekday(p->technical_win)]);
	for (size_t i = 0; i < p->nsteps; i++)
		strbuf_addf(sb, "  %s %s  %-10s  %s\n",
			    date_format(p->steps[i].date, b),
			    weekday_names[date_weekday(p->steps[i].date)],
			    event_kind_name(p->steps[i].kind),
			    p->steps[i].title);
	strbuf_addf(sb, "contract target: %s\n",
		    date_format(p->contract_target, b));
}

static int
cmd_plan_exec(struct cli_ctx *ctx, int argc, char **argv,
	      struct tw_error *err)
{
	static const struct option opts[] = {
		{ "apply", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct commercial_plan plan;
	struct strbuf sb = STRBUF_INIT;
	struct holidays h;
	struct deal d;
	bool apply = false;
	int c, r;

	optind = 0;
	while ((c = cli_getopt(argc, argv, opts, err)) != -1) {
		if (c < 0)
			return c;
		apply = true;
	}
	if (optind != argc - 1)
		return cmd_usage_error(&cmd_plan_entry, err,
				       "plan takes exactly one SLUG");
	if (apply) {
		struct apply_args a = { 0 };

		r = cli_update_deal(ctx, argv[optind], apply_plan, &a, err);
		if (r < 0)
			return r;
		if (!ctx->json)
			printf("added %zu planned commercial event%s\n",
			       a.added, a.added == 1 ? "" : "s");
		if (!ctx->json)
			return 0;
	}
	if ((r = cli_get_deal(ctx, argv[optind], &d, err)) < 0)
		return r;
	h = deal_holidays(&d);
	commercial_plan_compute(&d, &h, &plan);
	if (ctx->json)
		json_emit(plan_to_json(&plan), &sb);
	else
		plan_to_text(&d, &plan, &sb);
	cli_write(&sb);
	strbuf_release(&sb);
	commercial_plan_release(&plan);
	deal_release(&d);
	return 0;
}

const struct cmd_entry cmd_plan_entry = {
	.name = "plan",
	.usage = "plan SLUG [--apply]",
	.summary = "date the commercial steps that follow the technical win",
	.help =
	"Once every criterion passes, the technical win date is the day the\n"
	"last one passed, and each playbook step is dated that many business\n"
	"days later (holidays respected); a step marked plus_procurement\n"
	"adds the deal's procurement lead time. Without a playbook of its\n"
	"own a deal gets: executive summary to the economic buyer +2,\n"
	"commercial terms discussion +4, contract review begins +6, contract\n"
	"execution target +6 plus procurement. While a criterion is pending\n"
	"or failing there is no win, and the plan lists what blocks it.\n"
	"\n"
	"  --apply  add the steps as planned commercial events (applying\n"
	"           twice adds nothing)\n",
	.flags = NEED_STORE,
	.exec = cmd_plan_exec,
};
