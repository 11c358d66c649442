/*
 * The shared steps of the commands that write one deal's document
 * (cli/doc.h).
 */
#include "cli/doc.h"

#include <stdlib.h>
#include <unistd.h>

int
doc_deal_load(struct cli_ctx *ctx, const char *slug, struct doc_deal *dd,
	      struct tw_error *err)
{
	int r;

	if ((r = cli_get_deal(ctx, slug, &dd->d, err)) < 0)
		return r;
	if ((r = workspace_load(ctx->st, &dd->ws, err)) < 0) {
		deal_release(&dd->d);
		return r;
	}
	dd->h = workspace_holidays(&dd->ws, &dd->d, &dd->buf);
	return 0;
}

void
doc_deal_release(struct doc_deal *dd)
{
	free(dd->buf);
	workspace_release(&dd->ws);
	deal_release(&dd->d);
}

int
doc_refuse_tty(const char *what, const char *output, struct tw_error *err)
{
	if (!output && isatty(STDOUT_FILENO))
		return tw_error_set(err, TW_EUSAGE,
				    "refusing to write %s to a terminal; "
				    "use -o FILE or redirect the output",
				    what);
	return 0;
}

int
doc_write(const char *output, const struct strbuf *sb, struct tw_error *err)
{
	if (output)
		return cli_write_file(output, sb, err);
	cli_write(sb);
	return 0;
}
