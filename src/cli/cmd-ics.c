/*
 * techwin ics [SLUG...] [-o FILE]: the calendar feed (RFC 5545) of the named
 * deals, or of every open deal: dated events, commercial plan steps and risk
 * latest-start dates as all-day entries with stable UIDs.
 */
#include "cli/cli.h"
#include "cli/doc.h"
#include "cli/workspace.h"
#include "render/ics.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * DTSTAMP: TECHWIN_NOW ("YYYY-MM-DDTHH:MM:SSZ") when it is well formed, so
 * tests are reproducible, else the clock.
 */
static time_t
stamp_time(void)
{
	const char *env = getenv("TECHWIN_NOW");
	char day[DATE_BUFSZ];
	int hh, mm, ss;
	char z;
	tw_date d;

	if (!env || strlen(env) != 20 || env[10] != 'T')
		return time(NULL);
	memcpy(day, env, 10);
	day[10] = '\0';
	if (date_parse(day, &d, NULL) < 0 ||
	    sscanf(env + 11, "%2d:%2d:%2d%c", &hh, &mm, &ss, &z) != 4 ||
	    z != 'Z' || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 ||
	    ss > 59)
		return time(NULL);
	return (time_t)(d - date_from_ymd(1970, 1, 1)) * 86400 +
	       hh * 3600 + mm * 60 + ss;
}

/*
 * The deals, with their children: the nnames named (each once, in the
 * order given), or every open deal by slug when none is named. An unknown
 * slug is TW_ENOTFOUND before anything is written.
 */
static int
load_deals(struct cli_ctx *ctx, char **names, size_t nnames,
	   struct deal **out, size_t *n, struct tw_error *err)
{
	struct deal_list all = { 0 };
	size_t want = nnames;
	int r = 0;

	*out = NULL;
	*n = 0;
	if (!nnames) {
		if ((r = store_deal_list(ctx->st, &all, err)) < 0)
			return r;
		want = all.n;
	}
	*out = xcalloc(want ? want : 1, sizeof(**out));
	for (size_t i = 0; i < want && !r; i++) {
		const char *slug = nnames ? names[i] : all.items[i].slug;
		bool skip = !nnames && all.items[i].outcome != OUTCOME_OPEN;

		for (size_t j = 0; j < *n && !skip; j++)
			skip = !strcmp((*out)[j].slug, slug);
		if (skip)
			continue;
		r = cli_get_deal(ctx, slug, &(*out)[*n], err);
		if (!r)
			(*n)++;
	}
	deal_list_release(&all);
	return r;
}

static int
cmd_ics_exec(struct cli_ctx *ctx, int argc, char **argv,
	     struct tw_error *err)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf sb = STRBUF_INIT, name = STRBUF_INIT;
	struct ics_deal *entries = NULL;
	struct holidays *hol = NULL;
	tw_date **bufs = NULL;
	const char *output = NULL;
	struct workspace ws;
	struct deal *deals;
	size_t n = 0;
	int c, r;

	optind = 0;
	while ((c = cli_getopt_output(argc, argv, opts, err)) != -1) {
		if (c < 0)
			return c;
		output = optarg;
	}
	if ((r = workspace_load(ctx->st, &ws, err)) < 0)
		return r;
	if ((r = load_deals(ctx, argv + optind, (size_t)(argc - optind),
			      &deals, &n, err)) < 0)
		goto out;

	entries = xcalloc(n ? n : 1, sizeof(*entries));
	hol = xcalloc(n ? n : 1, sizeof(*hol));
	bufs = xcalloc(n ? n : 1, sizeof(*bufs));
	for (size_t i = 0; i < n; i++) {
		hol[i] = workspace_holidays(&ws, &deals[i], &bufs[i]);
		entries[i].deal = &deals[i];
		entries[i].holidays = &hol[i];
	}
	/* One named deal: the calendar is that account's; else the pipeline. */
	if (argc - optind == 1 && n == 1)
		strbuf_addf(&name, "techwin: %s", deals[0].account);
	else
		strbuf_addstr(&name, "techwin: pipeline");
	ics_render(entries, n, name.buf, stamp_time(), &sb);
	r = doc_write(output, &sb, err);
out:
	for (size_t i = 0; deals && i < n; i++) {
		deal_release(&deals[i]);
		if (bufs)
			free(bufs[i]);
	}
	free(deals);
	free(bufs);
	free(hol);
	free(entries);
	strbuf_release(&name);
	strbuf_release(&sb);
	workspace_release(&ws);
	return r;
}

const struct cmd_entry cmd_ics_entry = {
	.name = "ics",
	.usage = "ics [SLUG...] [-o FILE]",
	.summary = "write the deals' dates as an iCalendar (RFC 5545) feed",
	.help =
	"Prints one VCALENDAR with an all-day VEVENT for each dated entry of\n"
	"the deals named (each once, in the order given), or of every open\n"
	"deal (outcome open) by slug when none is named. An unknown SLUG is\n"
	"bad input (exit 3) and nothing is written. Within a deal:\n"
	"\n"
	"  events      every event with a date: its done date once it is\n"
	"              done, else its planned date. Done: STATUS:CONFIRMED\n"
	"              and CATEGORIES technical|commercial,done; planned:\n"
	"              STATUS:TENTATIVE. UID event.<key>.<slug>@techwin.\n"
	"  plan steps  once every criterion passes, each step of the\n"
	"              commercial plan (techwin plan), dated in business\n"
	"              days (weekends, the deal's and the workspace's\n"
	"              holidays skipped): STATUS:TENTATIVE, CATEGORIES\n"
	"              <kind>,plan. UID plan.<n>.<slug>@techwin, n the step's\n"
	"              place in the playbook from 1. Steps are listed even\n"
	"              when `plan --apply` has also made them events.\n"
	"  risks       each risk's latest start (deadline - buffer -\n"
	"              duration), with the go-live date and the deadline in\n"
	"              the description: CATEGORIES risk, no STATUS. UID\n"
	"              risk.<key>.<slug>@techwin.\n"
	"\n"
	"SUMMARY is \"<account>: <title>\" (for a risk \"<account>: latest\n"
	"start: <title>\"); DESCRIPTION names the deal and gives the dates,\n"
	"owner and what the entry follows. UIDs hold no time and no randomness, so\n"
	"importing a later export updates the entries instead of adding\n"
	"copies, even when a title or date has changed. DTSTAMP is the time\n"
	"of the export in UTC (TECHWIN_NOW=YYYY-MM-DDTHH:MM:SSZ fixes it).\n"
	"Entries are TRANSP:TRANSPARENT (they do not block free/busy time).\n"
	"X-WR-CALNAME is \"techwin: <account>\" for one named deal, else\n"
	"\"techwin: pipeline\". Lines end in CRLF and are folded at 75 octets\n"
	"without splitting a UTF-8 character; text is escaped as RFC 5545\n"
	"TEXT. A pipeline without dated entries gives an empty VCALENDAR.\n"
	"\n"
	"  -o, --output FILE  write FILE atomically instead of standard\n"
	"                     output\n"
	"\n"
	"--json has no effect: the calendar is already machine-readable.\n",
	.flags = NEED_STORE,
	.exec = cmd_ics_exec,
};
