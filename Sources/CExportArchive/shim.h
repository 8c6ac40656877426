#ifndef CEXPORTARCHIVE_SHIM_H
#define CEXPORTARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#endif
