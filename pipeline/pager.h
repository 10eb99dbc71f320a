/*
 * pager.h - standard output paged through $PAGER when it is a terminal,
 * the way git pages its output.
 *
 * The pager command is $KZ_PAGER, else $PAGER, else `less -R` (when less
 * is on the PATH and TERM is not dumb); an empty command or `cat` means no
 * pager. It runs through /bin/sh -c with LESS=FRX and LV=-c unless they
 * are set (less quits when the output fits one screen, keeps colour, and
 * leaves the screen as it was). Standard output, and standard error when
 * it is the terminal too, then go into the pager; kz_pager_finish closes
 * them and waits for the pager to end. A SIGINT, SIGTERM, SIGHUP or
 * SIGQUIT while paging waits for the pager too before the program dies of
 * it, so the shell never gets the terminal back under a running less.
 * While paging, SIGPIPE is ignored: a write after the pager quits fails
 * with EPIPE, which the caller treats as the reader having seen enough.
 *
 * One pager per process (the state is the process's: signals need it).
 * Nothing is printed; functions return -1 with errno set.
 */
#ifndef KZ_PAGER_H
#define KZ_PAGER_H

/* The pager command the environment asks for, or NULL for none (see
 * above). Does not look at whether standard output is a terminal. The
 * string is the environment's or a constant: not to be freed. */
const char *kz_pager_command(void);

/* Start `cmd` with standard output (and a terminal standard error) going
 * into it. Returns 0, or -1 when it could not be started (errno; output
 * is then left as it was). */
int kz_pager_start(const char *cmd);

/* 1 while a pager started by kz_pager_start runs, else 0. */
int kz_pager_active(void);

/* Flush and close standard output (and standard error when it went to
 * the pager), then wait for the pager to end. Nothing when no pager was
 * started. Returns 0, or -1 when flushing failed other than because the
 * pager had quit (errno). */
int kz_pager_finish(void);

#endif
