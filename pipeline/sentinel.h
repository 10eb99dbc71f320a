/*
 * sentinel.h - process groups that do not outlive the process that made
 * them, even when it is killed with SIGKILL.
 *
 * A stage gets SIGKILL when kz-run dies (PR_SET_PDEATHSIG), but what a
 * custom stage starts (a shell script's sleep, a Python worker) does not:
 * it would run on, holding files and CPU, after `kill -9` of a cron job.
 * kz_sentinel_start forks a small process that only reads a pipe: kz-run
 * writes the process groups it starts and ends into it, and when the
 * pipe reaches its end (kz-run exited or was killed) the sentinel kills
 * every group still listed, then exits.
 *
 * One sentinel per process; nothing here allocates after the start but
 * the sentinel's own list.
 */
#ifndef KZ_SENTINEL_H
#define KZ_SENTINEL_H

#include <sys/types.h>

/* Start the sentinel: 0, or -1 with errno (kz-run then goes on without:
 * stages still die with it, their children may not). */
int kz_sentinel_start(void);

/* Tell the sentinel about a process group started, or ended. */
void kz_sentinel_watch(pid_t group);
void kz_sentinel_forget(pid_t group);

/* Close the pipe (the sentinel kills what is still listed, so forget
 * every group first) and wait for the sentinel to end. */
void kz_sentinel_stop(void);

#endif
