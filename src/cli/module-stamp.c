/*
 * Linked into every module, not into techwin (CMakeLists.txt): the version
 * the loader (module.c) compares with its own before it calls anything in
 * the module, so a module left over from another techwin is refused with a
 * message instead of being called with structs of another layout.
 */
#include "cli/module.h"

const char techwin_module_version[] = TW_VERSION;
