#include "request_limits.h"

#include "chengguan/v1/ledger.pb-c.h"

static size_t max_items(const ProtobufCFieldDescriptor *f, void *arg)
{
    const cg_config *cfg = arg;
    return (size_t)(f->descriptor == &chengguan__v1__import_row__descriptor
                        ? cfg->max_import_rows
                        : cfg->max_request_items);
}

cg_proto_limits cg_request_limits(const cg_config *cfg)
{
    return (cg_proto_limits){max_items, (void *)cfg};
}
