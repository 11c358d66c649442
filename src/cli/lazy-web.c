/*
 * Stand-ins for the functions of the web module (src/web/ but auth.c, which
 * account commands use too): techwin serve loads it, with libmicrohttpd
 * and GnuTLS; no other command does. The module's own calls into techwin
 * (the store, the renderers, render_summary_pdf's stand-in) bind to the
 * executable, which exports its functions for this.
 */
#include "cli/module.h"
#include "web/server.h"

#define FNS(X) X(server_config_init) X(server_parse_listen) X(server_run)

MODULE_DEFINE(web, "web", "techwin serve", FNS);

/* serve's first call: a missing module stops it here, with the reason. */
void
server_config_init(struct server_config *cfg)
{
	MODULE_CALL(web, server_config_init)(cfg);
}

int
server_parse_listen(const char *s, char **host, unsigned *port,
		    struct tw_error *err)
{
	int r = module_load(&web, err);

	if (r < 0)
		return r;
	return MODULE_LOADED(web, server_parse_listen)(s, host, port, err);
}

int
server_run(const struct server_config *cfg, struct tw_error *err)
{
	int r = module_load(&web, err);

	if (r < 0)
		return r;
	return MODULE_LOADED(web, server_run)(cfg, err);
}
