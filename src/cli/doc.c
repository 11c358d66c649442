/*
 * The shared steps of the commands that write one deal's document
 * (cli/doc.h).
 */
#include "cli/doc.h"

#include <stdlib.h>
#include <unistd.h>


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
