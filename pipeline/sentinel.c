#include "sentinel.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int to_sentinel = -1;
static pid_t sentinel_pid = -1;

static void
send_group(pid_t group)
{
	ssize_t n;

	if (to_sentinel < 0)
		return;
	do
		n = write(to_sentinel, &group, sizeof group);
	while (n < 0 && errno == EINTR);
}

void
kz_sentinel_watch(pid_t group)
{
	if (group > 0)
		send_group(group);
}

void
kz_sentinel_forget(pid_t group)
{
	if (group > 0)
		send_group(-group);
}

/* The sentinel itself: a list of groups, kept until the pipe ends. */
static void
sentinel_main(int from_kz)
{
	pid_t *groups = NULL, g;
	size_t n = 0, cap = 0;
	ssize_t got;

	for (;;) {
		got = read(from_kz, &g, sizeof g);
		if (got < 0 && errno == EINTR)
			continue;
		if (got != (ssize_t)sizeof g)
			break;
		if (g > 0) {
			if (n == cap) {
				pid_t *more;

				cap = cap ? cap * 2 : 16;
				more = realloc(groups, cap * sizeof *groups);
				if (more == NULL)
					continue;       /* that one is not watched */
				groups = more;
			}
			groups[n++] = g;
		} else {
			for (size_t i = 0; i < n; i++)
				if (groups[i] == -g) {
					groups[i] = groups[--n];
					break;
				}
		}
	}
	for (size_t i = 0; i < n; i++)
		kill(-groups[i], SIGKILL);
	_exit(0);
}

int
kz_sentinel_start(void)
{
	int p[2];
	pid_t pid;

	if (to_sentinel >= 0)
		return 0;
	if (pipe(p) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		long max = sysconf(_SC_OPEN_MAX);

		/* hold nothing of kz-run's: a pipe end kept here would keep a
		 * stage from ever seeing its input end, the lock would outlive
		 * the run */
		for (int fd = 0; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			if (fd != p[0])
				close(fd);
		/* a terminal's ^C is for kz-run, which stops the run itself */
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		setpgid(0, 0);
		sentinel_main(p[0]);
	}
	close(p[0]);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	to_sentinel = p[1];
	sentinel_pid = pid;
	return 0;
}

void
kz_sentinel_stop(void)
{
	if (to_sentinel < 0)
		return;
	close(to_sentinel);
	to_sentinel = -1;
	while (waitpid(sentinel_pid, NULL, 0) < 0 && errno == EINTR)
		;
	sentinel_pid = -1;
}
