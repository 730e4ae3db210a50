/*
 * The library's messages that a person reads (cg_client_error(), the
 * asynchronous client's errors) are translated as libpq translates its own:
 * through gettext, in the text domain "chengguan" (the catalogue the CLI
 * installs), and only in a program that has chosen a locale with
 * setlocale(); any other program gets them in English. What they quote from
 * the system or OpenSSL (strerror(), gai_strerror(), a TLS alert) is as
 * those give it.
 */
#ifndef CG_CLIENT_MESSAGES_H
#define CG_CLIENT_MESSAGES_H

#include <libintl.h>

#define _(s) dgettext("chengguan", s)

#endif
