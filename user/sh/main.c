/*
 * sh: a small shell. Reads lines from stdin (or runs `sh -c LINE`, or the
 * lines of `sh FILE`), each a pipeline of commands separated by `|`; a
 * command is words (quoted with '...' or "..."), with `< FILE`, `> FILE`
 * and `>> FILE` redirections. A program is found in /bin unless its name
 * has a slash. Each runs as a spawned child that inherits the shell's
 * descriptors: the shell dup2s the pipe ends and files onto 0 and 1 around
 * each spawn, then puts its own back. A failing command is reported
 * (`sh: NAME: exit 3`, `sh: NAME: killed by SIGSEGV`); the status of a
 * pipeline is its last command's. Built-ins: cd, pwd, exit [N]. At the end
 * of the input it exits with the last status.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <faultline/process.h>

#define SH_LINE	4096
#define WORDS_MAX	64
#define CMDS_MAX	16

struct cmd {
	char *argv[WORDS_MAX + 1];
	int argc;
	char *in, *out;		/* redirections, or NULL */
	int append;		/* >> */
};

static int last_status, saved_in = -1, saved_out = -1;

static const char *signal_name(int sig)
{
	static const char *const names[] = {
		[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
		[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
		[SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL", [SIGBUS] = "SIGBUS",
		[SIGSEGV] = "SIGSEGV", [SIGSYS] = "SIGSYS", [SIGPIPE] = "SIGPIPE",
		[SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	};
	static char other[16];

	if (sig > 0 && sig < (int)(sizeof(names) / sizeof(names[0])) && names[sig])
		return names[sig];
	snprintf(other, sizeof(other), "signal %d", sig);
	return other;
}

/*
 * Split line into commands: words, quotes, |, <, >, >>.
 * The number of commands, 0 for an empty line, -1 after a message.
 */
static int parse(const char *line, struct cmd *cmds)
{
	static char store[SH_LINE + 1];	/* the words, each NUL-terminated */
	const char *r = line;
	char *w = store;
	int n = 0;
	struct cmd *c = &cmds[0];

	memset(c, 0, sizeof(*c));
	if (strlen(line) >= SH_LINE) {
		fprintf(stderr, "sh: a line of more than %d bytes\n", SH_LINE - 1);
		return -1;
	}
	for (;;) {
		char **target = NULL;

		while (*r == ' ' || *r == '\t')
			r++;
		if (!*r || *r == '#')
			break;
		if (*r == '|') {
			if (c->argc == 0) {
				fprintf(stderr, "sh: syntax error near '|'\n");
				return -1;
			}
			if (++n == CMDS_MAX) {
				fprintf(stderr, "sh: more than %d commands in a pipeline\n", CMDS_MAX);
				return -1;
			}
			c = &cmds[n];
			memset(c, 0, sizeof(*c));
			r++;
			continue;
		}
		if (*r == '<' || *r == '>') {
			c->append = r[0] == '>' && r[1] == '>';
			target = *r == '<' ? &c->in : &c->out;
			r += c->append ? 2 : 1;
			while (*r == ' ' || *r == '\t')
				r++;
		}
		/* a word, its quotes removed, written back in place */
		if (!*r || *r == '|' || *r == '<' || *r == '>') {
			fprintf(stderr, "sh: a redirection without a file name\n");
			return -1;
		}
		{
			char *word = w;

			while (*r && *r != ' ' && *r != '\t' && *r != '|' && *r != '<' &&
			       *r != '>') {
				if (*r == '\'' || *r == '"') {
					char q = *r++;

					while (*r && *r != q)
						*w++ = *r++;
					if (!*r) {
						fprintf(stderr, "sh: unmatched %c\n", q);
						return -1;
					}
					r++;
				} else {
					*w++ = *r++;
				}
			}
			*w++ = 0;	/* (a word takes at most its own bytes of the line) */
			if (target) {
				*target = word;
			} else if (c->argc == WORDS_MAX) {
				fprintf(stderr, "sh: more than %d words\n", WORDS_MAX);
				return -1;
			} else {
				c->argv[c->argc++] = word;
			}
		}
	}
	if (c->argc == 0) {
		if (n > 0 || c->in || c->out) {
			fprintf(stderr, "sh: syntax error: a command is missing\n");
			return -1;
		}
		return 0;
	}
	return n + 1;
}

/* Report a child's end unless it ended well. */
static void report(const char *name, int status)
{
	if (WIFSIGNALED(status))
		fprintf(stderr, "sh: %s: killed by %s\n", name, signal_name(WTERMSIG(status)));
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		fprintf(stderr, "sh: %s: exit %d\n", name, WEXITSTATUS(status));
}

/* The wait status a shell reports as $?: the exit code, or 128 + signal. */
static int code_of(int status)
{
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static int builtin(struct cmd *c, int *done)
{
	const char *name = c->argv[0];

	*done = 1;
	if (strcmp(name, "exit") == 0) {
		int code = c->argc > 1 ? atoi(c->argv[1]) : last_status;

		fflush(stdout);
		exit(code & 0xff);
	}
	if (strcmp(name, "cd") == 0) {
		const char *to = c->argc > 1 ? c->argv[1] : "/";

		if (chdir(to) < 0) {
			fprintf(stderr, "sh: cd: %s: %s\n", to, strerror(errno));
			return 1;
		}
		return 0;
	}
	if (strcmp(name, "pwd") == 0) {
		char buf[1024];

		if (!getcwd(buf, sizeof(buf))) {
			fprintf(stderr, "sh: pwd: %s\n", strerror(errno));
			return 1;
		}
		printf("%s\n", buf);
		fflush(stdout);
		return 0;
	}
	*done = 0;
	return 0;
}

/* Put fd on target (0 or 1) for the next spawn, then close fd. */
static int place(int fd, int target)
{
	if (fd == target)
		return 0;
	if (dup2(fd, target) < 0) {
		fprintf(stderr, "sh: dup2: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Run a pipeline of n commands: the last one's status as $? gives it. */
static int run(struct cmd *cmds, int n)
{
	int pids[CMDS_MAX], fails[CMDS_MAX], prev = -1, status = 0;

	if (n == 1) {
		int done, r = builtin(&cmds[0], &done);

		if (done)
			return r;
	}
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		struct cmd *c = &cmds[i];
		char path[1100];
		int p[2] = { -1, -1 }, in = prev, out = -1;

		pids[i] = -1;
		fails[i] = 1;
		if (i < n - 1 && pipe(p) < 0) {
			fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
			if (prev >= 0)
				close(prev);
			n = i;
			break;
		}
		out = p[1];
		if (c->in) {
			if (in >= 0)
				close(in);
			if ((in = open(c->in, O_RDONLY)) < 0)
				fprintf(stderr, "sh: %s: %s\n", c->in, strerror(errno));
		}
		if (c->out) {
			if (out >= 0)
				close(out);
			out = open(c->out, O_WRONLY | O_CREAT | (c->append ? O_APPEND : O_TRUNC), 0644);
			if (out < 0)
				fprintf(stderr, "sh: %s: %s\n", c->out, strerror(errno));
		}
		prev = p[0];
		if ((c->in && in < 0) || (c->out && out < 0)) {
			if (in >= 0)
				close(in);
			if (out >= 0)
				close(out);
			continue;		/* this command does not run; the rest do */
		}
		if ((in >= 0 && place(in, 0) < 0) || (out >= 0 && place(out, 1) < 0))
			continue;
		snprintf(path, sizeof(path), "%s%s", strchr(c->argv[0], '/') ? "" : "/bin/",
			 c->argv[0]);
		pids[i] = fl_spawn(path, c->argv);
		if (pids[i] < 0 && (fails[i] = errno == ENOENT ? 127 : 126))
			fprintf(stderr, "sh: %s: %s\n", c->argv[0],
				errno == ENOENT ? "not found" : strerror(errno));
		dup2(saved_in, 0);
		dup2(saved_out, 1);
	}
	if (prev >= 0)
		close(prev);
	for (int i = 0; i < n; i++) {
		int st = 0;

		if (pids[i] < 0) {
			status = fails[i];
			continue;
		}
		if (waitpid(pids[i], &st, 0) != pids[i]) {
			fprintf(stderr, "sh: waitpid: %s\n", strerror(errno));
			status = 126;
			continue;
		}
		report(cmds[i].argv[0], st);
		status = code_of(st);
	}
	return status;
}

static int run_line(const char *line)
{
	struct cmd cmds[CMDS_MAX];
	int n = parse(line, cmds);

	if (n < 0)
		return 2;
	if (n == 0)
		return last_status;
	return run(cmds, n);
}

/* One line from fd, a byte at a time (what follows it is left for the programs): its length, -1 at the end. */
static int read_line(int fd, char *line, size_t size)
{
	size_t n = 0;
	char c;

	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r <= 0)
			return n ? (int)n : -1;
		if (c == '\n' || c == '\r')
			break;
		if (n < size - 1)
			line[n++] = c;
	}
	line[n] = 0;
	return (int)n;
}

int main(int argc, char **argv)
{
	static char line[SH_LINE];
	int in = 0, interactive;

	saved_in = dup(0);
	saved_out = dup(1);
	if (saved_in < 0 || saved_out < 0) {
		fprintf(stderr, "sh: no descriptors to work with (no fs server?): %s\n",
			strerror(errno));
		return 2;
	}
	if (argc > 2 && strcmp(argv[1], "-c") == 0)
		return run_line(argv[2]);
	if (argc > 1 && (in = open(argv[1], O_RDONLY)) < 0) {
		fprintf(stderr, "sh: %s: %s\n", argv[1], strerror(errno));
		return 127;
	}
	interactive = in == 0 && isatty(0);
	for (;;) {
		if (interactive) {
			fputs("$ ", stdout);
			fflush(stdout);
		}
		if (read_line(in, line, sizeof(line)) < 0)
			break;
		last_status = run_line(line);
		fflush(stdout);
	}
	return last_status;
}
