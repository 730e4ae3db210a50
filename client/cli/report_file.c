#include "report_file.h"

#include "i18n.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cg_report_file_write(const cg_cli_command *cmd, const char *path, const char *format,
                         json_t *reply, int (*write)(FILE *out, const char *format, json_t *reply))
{
    if (path == NULL || strcmp(path, "-") == 0) {
        if (write(stdout, format, reply) != 0 || fflush(stdout) != 0) {
            fprintf(stderr, _("chengguan: writing standard output: %s\n"), strerror(errno));
            return CG_EXIT_USAGE;
        }
        return CG_EXIT_OK;
    }
    size_t len = strlen(path) + 16;
    char *tmp = malloc(len);
    if (tmp == NULL) {
        fprintf(stderr, "chengguan: %s\n", strerror(ENOMEM));
        return CG_EXIT_USAGE;
    }
    snprintf(tmp, len, "%s.part-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd >= 0) { /* as any file the user makes: mkstemp's is 0600 */
        mode_t mask = umask(0);
        umask(mask);
        (void)fchmod(fd, 0666 & ~mask);
    }
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (out == NULL) {
        int rc = cg_cli_usage_error(cmd, _("cannot write '%s': %s"), path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return rc;
    }
    int failed = write(out, format, reply) != 0;
    failed |= fclose(out) != 0;
    if (failed || rename(tmp, path) != 0) {
        fprintf(stderr, _("chengguan: writing %s: %s\n"), path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return CG_EXIT_USAGE;
    }
    free(tmp);
    return CG_EXIT_OK;
}
