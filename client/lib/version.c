/* cg_version(): the library's release, as the loaded .so knows it. */
#include "chengguan/client.h"

const char *cg_version(void)
{
    return CG_VERSION;
}
