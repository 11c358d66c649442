/*
 * The JSON API of techwin serve (/api/...), REST over the same core and
 * store as the CLI, with the CLI's --json field names; and the login and
 * logout flow that gives a browser its session cookie. docs/api.md
 * documents every route.
 */
#ifndef TW_API_H
#define TW_API_H

#include "web/router.h"

/* The /api routes. */
extern const struct route api_routes[];
/* Settings, holidays, users and API tokens, for admins (api-admin.c). */
extern const struct route admin_api_routes[];
/* Plan files and CRM exports sent as JSON, for editors (api-import.c). */
extern const struct route import_api_routes[];
/* GET /api/session: who the request acts as (api-session.c). */
void api_session_get(struct http_request *rq, struct http_response *rs);
/*
 * A deal's share links (list, make, revoke) and its history, newest
 * first by pages (api-actions.c).
 */
void api_shares_list(struct http_request *rq, struct http_response *rs);
void api_share_create(struct http_request *rq, struct http_response *rs);
void api_share_revoke(struct http_request *rq, struct http_response *rs);
void api_history(struct http_request *rq, struct http_response *rs);
/* GET and POST /login, POST /logout. */
extern const struct route login_routes[];

#endif
