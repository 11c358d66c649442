/*
 * Errors across layers (jq's JQ_ERROR_*, git's error()): library code returns
 * 0 or a negative enum tw_err and leaves a human message in a struct tw_error.
 * Only main turns codes into exit statuses; only the web layer into HTTP ones.
 * Messages are lowercase, without a trailing period, values quoted as '%s'.
 */
#ifndef TW_ERROR_H
#define TW_ERROR_H

enum tw_err {
	TW_OK = 0,
	TW_EUSAGE = -2,		/* exit 2: bad command line */
	TW_EINPUT = -3,		/* exit 3: bad input (plan file, value) */
	TW_ESTORE = -4,		/* exit 4: storage failure */
	TW_ENOTFOUND = -5,	/* exit 3: no such deal/criterion/... */
	TW_EEXIST = -6,		/* exit 3: already exists */
	TW_EBUSY = -7,		/* exit 4: database locked / write conflict */
};

struct tw_error {
	int code;
	char msg[1024];
};

/* Record code and message in err (may be NULL); returns code. */
int tw_error_set(struct tw_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix the message already in err with "prefix: ". */
void tw_error_prefix(struct tw_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tw_error_clear(struct tw_error *err);
/* Exit status for an error code (0, 2, 3 or 4). */
int tw_exit_code(int code);

#endif
