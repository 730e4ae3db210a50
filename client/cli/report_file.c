#include "report_file.h"

#include "cli_request.h"
#include "i18n.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes reply to path, or to stdout for NULL or "-"; an exit code. */
static int write_to(const cg_cli_command *cmd, const cg_report_spec *spec, const char *path,
                    const char *format, json_t *reply)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        if (spec->write(stdout, format, reply) != 0 || fflush(stdout) != 0) {
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
    int failed = spec->write(out, format, reply) != 0;
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

/* The format asked for (local --format), or the default; NULL when it is
 * none of spec's. */
static const char *format_of(const cg_cli *cli, const cg_report_spec *spec, const char *asked)
{
    for (size_t i = 0; spec->formats[i] != NULL; i++) {
        if (asked != NULL && strcmp(asked, spec->formats[i]) == 0)
            return spec->formats[i];
        if (asked == NULL && cli->json && strcmp(spec->formats[i], "json") == 0)
            return spec->formats[i];
    }
    return asked == NULL ? spec->formats[0] : NULL;
}

int cg_report_run(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv)
{
    const cg_report_spec *spec = cmd->spec;
    for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++)
        if (strcmp(argv[k], "-o") == 0)
            argv[k] = "--output";
    json_t *req;
    const char *local[CG_INPUT_MAX_LOCAL];
    int rc = cg_input_parse(cmd, &spec->in, argc, argv, &req, local);
    if (rc >= 0)
        return rc;
    const char *format = format_of(cli, spec, local[0]);
    rc = 0;
    if (format == NULL)
        rc = cg_cli_usage_error(cmd, _("--format: '%s' is not one of %s"), local[0],
                                spec->formats_text);
    else if (spec->check != NULL)
        rc = spec->check(cmd, req);
    if (rc == 0)
        rc = cg_cli_refuse_key(cli, cmd);
    cg_client *c;
    json_t *reply = NULL;
    if (rc == 0 && (rc = cg_cli_connect(cli, &c)) == 0) {
        rc = cg_request_call(c, spec->in.request, req, &reply);
        cg_client_free(c);
    }
    json_decref(req);
    if (rc == 0)
        rc = write_to(cmd, spec, local[1], format, reply);
    json_decref(reply);
    return rc;
}
