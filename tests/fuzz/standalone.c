/*
 * A main() for the fuzz targets without libFuzzer: every file named on the
 * command line, and every file in every directory named (in name order),
 * goes once through LLVMFuzzerTestOneInput. ctest runs it over
 * tests/fuzz/regressions/<target>/ and the seed corpus, so a crash found
 * once stays fixed in the ordinary gcc build. A directory that does not
 * exist holds nothing to replay (git keeps no empty directories).
 */
#include "fuzz.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Defined by the targets that need set-up; weak so the others link. */
extern int LLVMFuzzerInitialize(int *argc, char ***argv)
	__attribute__((weak));

/* The whole file in an exact-size buffer (caller frees), or NULL. */
static unsigned char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *exact;
	size_t alloc = 0, n;

	*len = 0;
	if (!f) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path,
			strerror(errno));
		return NULL;
	}
	do {
		if (*len == alloc) {
			alloc = alloc ? 2 * alloc : 4096;
			buf = xrealloc(buf, alloc);
		}
		n = fread(buf + *len, 1, alloc - *len, f);
		*len += n;
	} while (n > 0);
	if (ferror(f)) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	/*
	 * libFuzzer passes exactly size bytes, so that reading past the end
	 * is caught by the sanitizers: do the same.
	 */
	exact = xmalloc(*len ? *len : 1);
	memcpy(exact, buf, *len);
	free(buf);
	return exact;
}

static int
replay_file(const char *path)
{
	size_t len;
	unsigned char *data = read_file(path, &len);

	if (!data)
		return -1;
	/* Named first, so a crash below says which file it was. */
	fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int
skip_entry(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static int
replay_path(const char *path, size_t *count)
{
	struct dirent **names;
	struct stat sb;
	int n, rc = 0;

	if (stat(path, &sb)) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "replay: '%s': %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	n = scandir(path, &names, skip_entry, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: cannot list '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
		char *child = xmalloc(len);

		snprintf(child, len, "%s/%s", path, names[i]->d_name);
		if (replay_path(child, count))
			rc = -1;
		free(child);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	size_t count = 0;
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i], &count))
			rc = 1;
	if (!count) {
		fprintf(stderr, "replay: no input files found\n");
		return 1;
	}
	fprintf(stderr, "replay: %zu inputs ok\n", count);
	return rc;
}
