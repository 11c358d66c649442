/*
 * Workspace settings moved down to the store layer (store/workspace.h) so
 * techwin serve shares them with the commands; this name stays for them.
 */
#ifndef TW_WORKSPACE_H
#define TW_WORKSPACE_H

#include "store/workspace.h"

#endif
