#ifndef NAHTSTELLE_CLIBZIP_SHIM_H
#define NAHTSTELLE_CLIBZIP_SHIM_H
#include <zip.h>
#endif
