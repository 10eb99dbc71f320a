#include "pager.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t pager_pid = -1;
static int pager_has_stderr;

static const int pager_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/* Is prog an executable file in one of the PATH's folders? */
static int
on_path(const char *prog)
{
	const char *path = getenv("PATH"), *p, *e;
	char file[PATH_MAX];

	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = e + 1) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		if (snprintf(file, sizeof file, "%.*s/%s", e > p ? (int)(e - p) : 1,
		    e > p ? p : ".", prog) < (int)sizeof file &&
		    access(file, X_OK) == 0)
			return 1;
		if (*e == '\0')
			return 0;
	}
}

const char *
kz_pager_command(void)
{
	const char *cmd = getenv("KZ_PAGER"), *term;

	if (cmd == NULL)
		cmd = getenv("PAGER");
	if (cmd == NULL) {
		/* git's default, but only where it can work */
		term = getenv("TERM");
		if ((term && strcmp(term, "dumb") == 0) || !on_path("less"))
			return NULL;
		cmd = "less -R";
	}
	if (*cmd == '\0' || strcmp(cmd, "cat") == 0)
		return NULL;
	return cmd;
}

/* Both ends of the pipe out of the way: the pager sees its end of file. */
static void
close_outputs(void)
{
	close(STDOUT_FILENO);
	if (pager_has_stderr)
		close(STDERR_FILENO);
}

/* Only async-signal-safe calls: close, waitpid, signal, raise. */
static void
pager_signal(int sig)
{
	int saved = errno;

	close_outputs();
	if (pager_pid > 0)
		while (waitpid(pager_pid, NULL, 0) < 0 && errno == EINTR)
			;
	pager_pid = -1;
	signal(sig, SIG_DFL);
	raise(sig);
	errno = saved;
}

int
kz_pager_start(const char *cmd)
{
	int fd[2];
	pid_t pid;
	struct sigaction sa;

	if (pager_pid > 0) {
		errno = EBUSY;
		return -1;
	}
	if (fflush(stdout) != 0 || pipe(fd) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(fd[0]);
		close(fd[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		dup2(fd[0], STDIN_FILENO);
		close(fd[0]);
		close(fd[1]);
		/* less: quit when it fits one screen, raw colour, no screen
		 * clearing; lv: colour */
		setenv("LESS", "FRX", 0);
		setenv("LV", "-c", 0);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fd[0]);
	pager_has_stderr = isatty(STDERR_FILENO);
	if (dup2(fd[1], STDOUT_FILENO) < 0 ||
	    (pager_has_stderr && dup2(fd[1], STDERR_FILENO) < 0)) {
		int e = errno;

		close(fd[1]);
		waitpid(pid, NULL, 0);
		errno = e;
		return -1;
	}
	close(fd[1]);
	pager_pid = pid;
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = pager_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof pager_signals / sizeof *pager_signals; i++)
		sigaction(pager_signals[i], &sa, NULL);
	return 0;
}

int
kz_pager_active(void)
{
	return pager_pid > 0;
}

int
kz_pager_finish(void)
{
	int rc = 0, e = 0, null;

	if (pager_pid <= 0)
		return 0;
	if (fflush(stdout) != 0 && errno != EPIPE) {
		rc = -1;
		e = errno;
	}
	if (pager_has_stderr)
		fflush(stderr);
	/* /dev/null in their place keeps stdio's streams valid */
	null = open("/dev/null", O_WRONLY);
	if (null >= 0) {
		dup2(null, STDOUT_FILENO);
		if (pager_has_stderr)
			dup2(null, STDERR_FILENO);
		close(null);
	} else {
		close_outputs();
	}
	while (waitpid(pager_pid, NULL, 0) < 0 && errno == EINTR)
		;
	pager_pid = -1;
	for (size_t i = 0; i < sizeof pager_signals / sizeof *pager_signals; i++)
		signal(pager_signals[i], SIG_DFL);
	if (rc)
		errno = e;
	return rc;
}
