/* Examples of the commands for their --help (examples.c). */
#ifndef CG_CLI_EXAMPLES_H
#define CG_CLI_EXAMPLES_H

/* The example of a command by its full name ("compound add"), NULL for none. */
const char *cg_cli_example(const char *command);

#endif
