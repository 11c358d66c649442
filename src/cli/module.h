/*
 * Modules: the parts of techwin that need heavy shared libraries (cairo and
 * pango for PDF and PNG, libpq for PostgreSQL, libmicrohttpd for serve) are
 * shared objects the executable dlopen()s the first time one of their
 * functions is called, through stand-ins of the same name (lazy-*.c). A
 * command that needs none of them loads none of those libraries.
 */
#ifndef TW_CLI_MODULE_H
#define TW_CLI_MODULE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* Defined by module-stamp.c in every module: the techwin it belongs to. */
extern const char techwin_module_version[];

struct module {
	const char *name;		/* "cairo": the file techwin-cairo.so */
	const char *what;		/* what needs it, for the error message */
	const char *const *syms;	/* the functions it must define */
	size_t nsyms;
	void **fns;			/* nsyms slots, filled by loading */

	/* Set once, under the loader's lock. */
	atomic_bool ready;
	bool tried;
	int code;			/* why it failed: 0 or TW_ESTORE */
	char msg[1024];
};

/*
 * Load m unless it is loaded; thread-safe, tried once per run. 0, or
 * TW_ESTORE with err saying which module failed, where it was looked
 * for and dlerror()'s reason.
 */
int module_load(struct module *m, struct tw_error *err);

/*
 * m's function number i, loading m first. For stand-ins that have no
 * error to return: when m cannot be loaded, print why and exit with the
 * status of a storage failure, as an allocation failure would.
 */
void *module_fn(struct module *m, size_t i);

/*
 * A stand-in file lists its module's functions once, as
 * #define FNS(X) X(fn_a) X(fn_b), then declares
 * enum { FNS(MODULE_ENUM) NFNS } and
 * static const char *const names[] = { FNS(MODULE_NAME) }.
 * MODULE_CALL(m, f) is the module's f, typed as the header declares f.
 */
#define MODULE_ENUM(f) FN_##f,
#define MODULE_NAME(f) #f,
#define MODULE_CALL(m, f) ((__typeof__(&f))module_fn(&(m), FN_##f))
/* The same once module_load(&m) has succeeded. */
#define MODULE_LOADED(m, f) ((__typeof__(&f))(m).fns[FN_##f])

/*
 * A file's module m, loaded as name_, with the functions that FNS(X) lists
 * (an X macro: FNS(X) is X(f1) X(f2) ...) and the slots for them.
 */
#define MODULE_DEFINE(m, name_, what_, FNS)                                  \
	enum { FNS(MODULE_ENUM) NFNS };                                      \
	static const char *const m##_syms[] = { FNS(MODULE_NAME) };          \
	static void *m##_fns[NFNS];                                          \
	static struct module m = { .name = name_, .what = what_,            \
				   .syms = m##_syms, .nsyms = NFNS,          \
				   .fns = m##_fns }

#endif
