/*
 * The shared steps of the commands that write one deal's document
 * (cli/doc.h).
 */
#include "cli/doc.h"
#include "render/pdf.h"

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

void
doc_layout_begin(struct strbuf *log)
{
	if (getenv("TECHWIN_PDF_LAYOUT"))
		pdf_layout_log(log);
}

int
doc_layout_end(struct strbuf *log, struct tw_error *err)
{
	const char *path = getenv("TECHWIN_PDF_LAYOUT");

	if (!path)
		return 0;
	pdf_layout_log(NULL);
	return cli_write_file(path, log, err);
}
