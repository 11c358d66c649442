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
/* GET and POST /login, POST /logout. */
extern const struct route login_routes[];

#endif
