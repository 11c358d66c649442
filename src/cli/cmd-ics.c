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
	struct strbuf sb = STRBUF_INIT, name = STRBUF_INIT;
	struct ics_deal *entries = NULL;
	struct holidays *hol = NULL;
	tw_date **bufs = NULL;
	const char *output = NULL;
	bool shared = false;
	const struct cli_opt opts[] = {
		{ "output", OPT_STR, &output },
		{ "shared", OPT_FLAG, &shared },
		{ NULL, 0, NULL },
	};
	struct workspace ws;
	struct deal *deals;
	size_t n = 0;
	int r;

	if ((r = cli_options(argc, argv, opts, err)) < 0)
		return r;
	if ((r = workspace_load(ctx->st, &ws, err)) < 0)
		return r;
	if ((r = load_deals(ctx, argv + optind, (size_t)(argc - optind),
			      &deals, &n, err)) < 0)
		goto out;

	entries = xcalloc(n ? n : 1, sizeof(*entries));
	hol = xcalloc(n ? n : 1, sizeof(*hol));
	bufs = xcalloc(n ? n : 1, sizeof(*bufs));
	for (size_t i = 0; i < n; i++) {
		/* For the prospect: nothing internal. */
		if (shared)
			deal_drop_internal(&deals[i]);
		hol[i] = workspace_holidays(&ws, &deals[i], &bufs[i]);
		entries[i].deal = &deals[i];
		entries[i].holidays = &hol[i];
	}
	/* One named deal: the calendar is that account's; else the pipeline. */
	if (argc - optind == 1 && n == 1)
		strbuf_addf(&name, "techwin: %s", deals[0].account);
	else
		strbuf_addstr(&name, "techwin: pipeline");
	ics_render(entries, n, name.buf, date_now_fixed(), &sb);
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
	.name = "ics", .flags = NEED_STORE, .exec = cmd_ics_exec,
};
