/*
 * The offline queue of the CLI: libchengguan's journal (chengguan/journal.h)
 * in a directory chosen by the setting `journal` (profile key, or
 * CHENGGUAN_JOURNAL): "on" for $XDG_STATE_HOME/chengguan/journal/PROFILE
 * (~/.local/state/... without XDG_STATE_HOME), a directory, or "off" (the
 * default). With it, a command that is one change and cannot reach the
 * server keeps the change in the queue (exit status 4), and every command
 * that reaches the server first sends what waits there; `chengguan queue
 * list|flush` shows and sends it.
 */
#ifndef CG_CLI_QUEUE_H
#define CG_CLI_QUEUE_H

#include "cli.h"

/* The queue's directory for the setting's value (NULL: not set), in static
 * storage; NULL when the queue is off. */
const char *cg_cli_queue_dir(const cg_cli *cli, const char *setting);

/*
 * Gives the client c the queue of cli (which has one) after its connection
 * attempt ended with err. Connected: sends what waits in the queue first,
 * saying so on stderr. Not connected for want of the server, with send_later:
 * says why on stderr and returns 0, so that c queues the change. Otherwise
 * the exit code after printing why.
 */
int cg_cli_queue_attach(const cg_cli *cli, cg_client *c, int err, int send_later);

#endif
