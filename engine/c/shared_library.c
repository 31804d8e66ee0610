/* libpolicysim_c.so is engine/c/policysim.cc (linked in whole from the static policysim_c) with
 * its exports limited by exports.map. A shared library target needs at least one source of its
 * own; this translation unit is that source and defines nothing. */
#include "engine/c/policysim.h"
