/*
 * techwin plan SLUG [--apply]: the commercial timeline a technical win buys.
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

/* "plan-" + the title in [a-z0-9-], cut to a valid key length. */
static char *
step_key(const char *title)
{
	struct strbuf sb = STRBUF_INIT;
	bool dash = true;

	strbuf_addstr(&sb, "plan-");
	for (const char *p = title ? title : ""; *p && sb.len < DEAL_SLUG_MAX;
	     p++) {
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

static bool
key_taken(char *const *keys, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(keys[i], key))
			return true;
	return false;
}

/*
 * The event key of every step. Two steps whose titles give the same key
 * (or the same after the cut) get "-2", "-3" in playbook order, so the
 * keys depend only on the playbook and applying again finds them.
 */
static char **
step_keys(const struct commercial_plan *p)
{
	char **keys = xcalloc(p->nsteps ? p->nsteps : 1, sizeof(*keys));

	for (size_t i = 0; i < p->nsteps; i++) {
		char *base = step_key(p->steps[i].title);

		keys[i] = xstrdup(base);
		for (int n = 2; key_taken(keys, i, keys[i]); n++) {
			struct strbuf sb = STRBUF_INIT;

			/* Leave room for the suffix within the key length. */
			strbuf_addstr(&sb, base);
			if (sb.len > DEAL_SLUG_MAX - 4)
				strbuf_setlen(&sb, DEAL_SLUG_MAX - 4);
			strbuf_addf(&sb, "-%d", n);
			free(keys[i]);
			keys[i] = strbuf_detach(&sb, NULL);
		}
		free(base);
	}
	return keys;
}

struct apply_args {
	const struct workspace *ws;
	size_t added;
};

/* Add each step as a planned event unless an event with its key exists. */
static int
apply_plan(struct deal *d, void *arg, struct tw_error *err)
{
	struct apply_args *a = arg;
	struct commercial_plan plan;
	tw_date *buf;
	struct holidays h = workspace_holidays(a->ws, d, &buf);
	char **keys;

	commercial_plan_compute(d, &h, &plan);
	if (!plan.technical_win) {
		commercial_plan_release(&plan);
		free(buf);
		return tw_error_set(err, TW_EINPUT,
				    "deal '%s' has no technical win yet; "
				    "nothing to apply", d->slug);
	}
	keys = step_keys(&plan);
	for (size_t i = 0; i < plan.nsteps; i++) {
		struct event *e;

		if (deal_find_event(d, keys[i]))
			continue;
		e = deal_add_event(d);
		e->key = xstrdup(keys[i]);
		e->kind = plan.steps[i].kind;
		e->title = xstrdup_or_null(plan.steps[i].title);
		e->date = plan.steps[i].date;
		a->added++;
	}
	for (size_t i = 0; i < plan.nsteps; i++)
		free(keys[i]);
	free(keys);
	commercial_plan_release(&plan);
	free(buf);
	return 0;
}

static json_t *
plan_to_json(const struct commercial_plan *p)
{
	json_t *o = json_object(), *a = json_array();

	json_object_set_new(o, "technical_win_date",
			    json_date(p->technical_win));
	for (size_t i = 0; i < p->nblocking; i++)
		json_array_append_new(a, json_string(p->blocking[i]));
	json_object_set_new(o, "blocking", a);
	a = json_array();
	for (size_t i = 0; i < p->nsteps; i++) {
		json_t *s = json_object();

		json_object_set_new(s, "title", json_str(p->steps[i].title));
		json_object_set_new(
			s, "kind",
			json_string(event_kind_name(p->steps[i].kind)));
		json_object_set_new(s, "date", json_date(p->steps[i].date));
		json_array_append_new(a, s);
	}
	json_object_set_new(o, "steps", a);
	json_object_set_new(o, "contract_target",
			    json_date(p->contract_target));
	return o;
}

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

static int
cmd_plan_exec(struct cli_ctx *ctx, int argc, char **argv,
	      struct tw_error *err)
{
	static const struct option opts[] = {
		{ "apply", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct apply_args a = { NULL, 0 };
	struct commercial_plan plan;
	struct strbuf sb = STRBUF_INIT;
	struct workspace ws;
	struct holidays h;
	tw_date *buf;
	struct deal d;
	bool apply = false;
	const char *slug;
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
	slug = argv[optind];
	if ((r = workspace_load(ctx->st, &ws, err)) < 0)
		return r;
	a.ws = &ws;
	if (apply && (r = cli_update_deal(ctx, slug, apply_plan, &a, err)) < 0)
		goto out;
	if (apply && !ctx->json) {
		printf("added %zu planned event%s to deal '%s'\n", a.added,
		       a.added == 1 ? "" : "s", slug);
		goto out;
	}
	if ((r = cli_get_deal(ctx, slug, &d, err)) < 0)
		goto out;
	h = workspace_holidays(&ws, &d, &buf);
	commercial_plan_compute(&d, &h, &plan);
	if (ctx->json) {
		json_t *j = plan_to_json(&plan);

		if (apply)
			json_object_set_new(j, "added", json_integer(
						(json_int_t)a.added));
		json_emit(j, &sb);
	} else {
		plan_to_text(&d, &plan, &sb);
	}
	cli_write(&sb);
	strbuf_release(&sb);
	commercial_plan_release(&plan);
	free(buf);
	deal_release(&d);
out:
	workspace_release(&ws);
	return r;
}

const struct cmd_entry cmd_plan_entry = {
	.name = "plan",
	.usage = "plan SLUG [--apply]",
	.summary = "date the commercial steps that follow the technical win",
	.help =
	"Once every criterion passes, the technical win date is the day the\n"
	"last one passed (its measured_on), and each playbook step is dated\n"
	"that many business days later; business days skip weekends, the\n"
	"deal's holidays and the workspace's (techwin config set holidays).\n"
	"A step marked plus_procurement adds the deal's procurement_days\n"
	"business days. Without a playbook of its own a deal gets:\n"
	"executive summary to the economic buyer +2, commercial terms\n"
	"discussion +4, contract review begins +6, contract execution target\n"
	"+6 plus procurement (a win on a Friday gives Tuesday, Thursday and\n"
	"the next Monday). The contract target is the last step's date.\n"
	"While a criterion is pending or failing there is no win, and the\n"
	"plan lists the criteria that block it.\n"
	"\n"
	"  --apply  add the steps as planned events of the deal (their kind\n"
	"           from the playbook: commercial in the default one), keyed\n"
	"           plan-<title>; a step whose key exists is skipped, so\n"
	"           applying twice adds nothing. Without a win it is an\n"
	"           error (exit 3).\n"
	"\n"
	"With --json: {\"technical_win_date\", \"blocking\": [keys],\n"
	"\"steps\": [{\"title\", \"kind\", \"date\"}], \"contract_target\"}\n"
	"(dates null without a win), plus \"added\" with --apply.\n",
	.flags = NEED_STORE,
	.exec = cmd_plan_exec,
};
