#ifndef NAHTSTELLE_CLIBXML2_SHIM_H
#define NAHTSTELLE_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>
#include <libxml/xpath.h>

/// libxml2 exposes `xmlFree` as a global function pointer that Swift cannot call directly.
static inline void nahtstelle_xmlFree(void *p) { xmlFree(p); }
#endif
