/*
 * The module loader (module.h): finds techwin-NAME.so, dlopen()s it once,
 * checks it belongs to this techwin and resolves the functions its
 * stand-ins forward to. A missing or broken module is an error that names
 * the module and dlerror()'s reason, never a crash later on.
 */
#include "cli/module.h"
#include "util/strbuf.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TW_MODULE_RELDIR
#define TW_MODULE_RELDIR "../lib/techwin"
#endif

/* serve's worker threads may be the first to need a module. */
static pthread_mutex_t module_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * Where to look, in order: $TECHWIN_MODULE_DIR alone when it is set (tests
 * and unusual layouts), else the executable's directory, which is a build
 * tree's, then TW_MODULE_RELDIR from it, where `make install` puts them.
 */
static size_t
module_dirs(struct strbuf dirs[2])
{
	const char *env = getenv("TECHWIN_MODULE_DIR");
	char exe[PATH_MAX], *lib;
	ssize_t n;
	char *slash;

	if (env && *env) {
		strbuf_addstr(&dirs[0], env);
		return 1;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return 0;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	strbuf_addstr(&dirs[0], exe);
	strbuf_addf(&dirs[1], "%s/%s", exe, TW_MODULE_RELDIR);
	/* Without the "bin/..", for messages. */
	lib = realpath(dirs[1].buf, NULL);
	if (lib) {
		strbuf_reset(&dirs[1]);
		strbuf_addstr(&dirs[1], lib);
		free(lib);
	}
	return 2;
}

/*
 * dlopen the first of the candidate files that exists (the last one is
 * tried anyway, so a module found nowhere still gets dlerror()'s words).
 * NULL with m->msg set on failure.
 */
static void *
module_open(struct module *m)
{
	struct strbuf dirs[2] = { STRBUF_INIT, STRBUF_INIT };
	struct strbuf path = STRBUF_INIT, skipped = STRBUF_INIT;
	size_t n = module_dirs(dirs);
	void *h = NULL;

	if (!n)
		snprintf(m->msg, sizeof(m->msg),
			 "cannot load module '%s' (needed for %s): cannot "
			 "find techwin's directory; set TECHWIN_MODULE_DIR",
			 m->name, m->what);
	for (size_t i = 0; i < n; i++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/techwin-%s.so", dirs[i].buf, m->name);
		if (i + 1 < n && access(path.buf, F_OK) < 0) {
			strbuf_addf(&skipped, "%s%s", skipped.len ? ", " : "",
				    dirs[i].buf);
			continue;
		}
		h = dlopen(path.buf, RTLD_NOW | RTLD_LOCAL);
		if (!h)
			snprintf(m->msg, sizeof(m->msg),
				 "cannot load module '%s' (needed for %s): "
				 "%s%s%s%s",
				 m->name, m->what, dlerror(),
				 skipped.len ? " (also looked in " : "",
				 skipped.buf, skipped.len ? ")" : "");
		break;
	}
	strbuf_release(&dirs[0]);
	strbuf_release(&dirs[1]);
	strbuf_release(&path);
	strbuf_release(&skipped);
	return h;
}

/* A module of another techwin may lay its structs out differently. */
static int
module_resolve(struct module *m, void *h)
{
	const char *version = dlsym(h, "techwin_module_version");

	if (!version) {
		snprintf(m->msg, sizeof(m->msg),
			 "module '%s' is not a techwin module: %s", m->name,
			 dlerror());
		return -1;
	}
	if (strcmp(version, TW_VERSION)) {
		snprintf(m->msg, sizeof(m->msg),
			 "module '%s' is from techwin %s, this is techwin %s",
			 m->name, version, TW_VERSION);
		return -1;
	}
	for (size_t i = 0; i < m->nsyms; i++) {
		m->fns[i] = dlsym(h, m->syms[i]);
		if (!m->fns[i]) {
			snprintf(m->msg, sizeof(m->msg),
				 "module '%s' is broken: %s", m->name,
				 dlerror());
			return -1;
		}
	}
	return 0;
}

int
module_load(struct module *m, struct tw_error *err)
{
	if (atomic_load_explicit(&m->ready, memory_order_acquire))
		return 0;
	pthread_mutex_lock(&module_lock);
	if (!m->tried) {
		void *h = module_open(m);

		m->tried = true;
		/*
		 * A broken one is left loaded, not dlclose()d: unloading the
		 * libraries it pulled in (libpq's, with thread-local state)
		 * crashed the leak checker's scan at exit, and techwin stops
		 * on the error anyway.
		 */
		if (h && module_resolve(m, h) < 0)
			h = NULL;
		/* The handle stays open: the module's code runs until exit. */
		if (h)
			atomic_store_explicit(&m->ready, true,
					      memory_order_release);
		else
			m->code = TW_ESTORE;
	}
	pthread_mutex_unlock(&module_lock);
	if (atomic_load_explicit(&m->ready, memory_order_acquire))
		return 0;
	return tw_error_set(err, m->code, "%s", m->msg);
}

void *
module_fn(struct module *m, size_t i)
{
	struct tw_error err = { 0 };

	if (module_load(m, &err) < 0) {
		fflush(stdout);
		fprintf(stderr, "error: %s\n", err.msg);
		exit(tw_exit_code(err.code));
	}
	return m->fns[i];
}
