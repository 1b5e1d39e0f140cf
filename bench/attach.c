/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attach-latency helper of bench/datapath.sh (root, run inside a simulated
 * host's namespace). Two modes, both over N network namespaces
 * /run/netns/<prefix><i> (i = 1..N) made beforehand:
 *
 *   bench/attach api SOCKET TENANT NETWORK PREFIX N [FIRST]
 *       POST /attach of N endpoints through the agent API (one kept-alive
 *       connection, as the Docker plugin has), then POST /detach of each
 *       (FIRST > 0: endpoints FIRST .. FIRST+N-1, attached only, kept);
 *   bench/attach cni PLUGIN CONFFILE PREFIX N
 *       runs a CNI plugin N times with CNI_COMMAND=ADD, then N times DEL
 *       (posix_spawn; the configuration file on stdin, stdout discarded).
 *
 * Prints one line per phase, numbers only:
 *   <phase> n=N failures=F total_s=T median_ms=M p99_ms=P max_ms=X
 * Exit status 1 if anything failed.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <contiv/contiv.h>

extern char **environ;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *phase, double *lat, int n, int fails, double total)
{
	qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
	printf("%s n=%d failures=%d total_s=%.3f median_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", phase, n,
	       fails, total, lat[n / 2] * 1e3, lat[(int)((n - 1) * 0.99)] * 1e3, lat[n - 1] * 1e3);
	fflush(stdout);
}

static int run_api(const char *sock, const char *tenant, const char *network, const char *prefix,
		   int n, int first, double *lat)
{
	CONTIV_OPTS(contiv_client_opts, opts, .unix_socket = sock, .timeout_ms = 60000);
	struct contiv_ctx *ctx = NULL;
	struct contiv_client *c = NULL;
	int fails = 0, bad = 0;

	if (contiv_ctx_new(NULL, &ctx) < 0 || contiv_client_new(ctx, "http://localhost", &opts, &c) < 0) {
		fprintf(stderr, "attach: client: %s\n", ctx ? contiv_ctx_get_error(ctx) : "no memory");
		return 1;
	}
	for (int phase = 0; phase < (first ? 1 : 2); phase++) {
		double t0 = now();

		fails = 0;
		for (int i = first ? first : 1; i < (first ? first : 1) + n; i++) {
			char body[512], *out = NULL;
			long status = 0;
			double t = now();
			int r;

			if (phase == 0)
				snprintf(body, sizeof(body),
					 "{\"tenant\":\"%s\",\"network\":\"%s\",\"id\":\"bench%d\",\"containerID\":\"bench%d\",\"netns\":\"/run/netns/%s%d\"}",
					 tenant, network, i, i, prefix, i);
			else
				snprintf(body, sizeof(body), "{\"id\":\"bench%d\"}", i);
			r = contiv_client_request(c, "POST", phase ? "/detach" : "/attach", body, &status, &out);
			lat[i - (first ? first : 1)] = now() - t;
			if (r < 0 || status != 200) {
				if (fails++ < 3)
					fprintf(stderr, "attach: %s bench%d: %ld %s\n", phase ? "detach" : "attach", i,
						status, r < 0 ? contiv_ctx_get_error(ctx) : out);
			}
			contiv_free(out);
		}
		report(phase ? "detach" : "attach", lat, n, fails, now() - t0);
		bad += fails;
	}
	contiv_client_unref(c);
	contiv_ctx_unref(ctx);
	return bad ? 1 : 0;
}

/* One plugin run: returns its exit status (or 127). */
static int spawn_cni(const char *plugin, const char *conf, const char *cmd, const char *prefix, int i)
{
	static char e_if[] = "CNI_IFNAME=eth0", e_path[] = "CNI_PATH=/usr/lib/cni",
		    e_sys[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	char e_cmd[64], e_id[64], e_ns[300], e_args[128];
	char *envp[] = { e_cmd, e_id, e_ns, e_if, e_path, e_args, e_sys, NULL };
	char *argv[] = { (char *)plugin, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st = 0;

	snprintf(e_cmd, sizeof(e_cmd), "CNI_COMMAND=%s", cmd);
	snprintf(e_id, sizeof(e_id), "CNI_CONTAINERID=bench%d", i);
	snprintf(e_ns, sizeof(e_ns), "CNI_NETNS=/run/netns/%s%d", prefix, i);
	snprintf(e_args, sizeof(e_args), "CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=bench%d", i);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, conf, O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, plugin, &fa, NULL, argv, envp) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return 127;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return 127;
	return WEXITSTATUS(st);
}

static int run_cni(const char *plugin, const char *conf, const char *prefix, int n, double *lat)
{
	int bad = 0;

	for (int phase = 0; phase < 2; phase++) {
		const char *cmd = phase ? "DEL" : "ADD";
		double t0 = now();
		int fails = 0;

		for (int i = 1; i <= n; i++) {
			double t = now();
			int r = spawn_cni(plugin, conf, cmd, prefix, i);

			lat[i - 1] = now() - t;
			if (r != 0 && fails++ < 3)
				fprintf(stderr, "attach: %s %s bench%d: exit %d\n", plugin, cmd, i, r);
		}
		report(phase ? "del" : "add", lat, n, fails, now() - t0);
		bad += fails;
	}
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	double *lat;
	int n, r;

	if ((argc == 7 || argc == 8) && !strcmp(argv[1], "api"))
		n = atoi(argv[6]);
	else if (argc == 6 && !strcmp(argv[1], "cni"))
		n = atoi(argv[5]);
	else
		n = -1;
	if (n == -1 || (argc == 8 && atoi(argv[7]) < 1)) {
		fprintf(stderr, "usage: attach api SOCKET TENANT NETWORK NSPREFIX N [FIRST]\n"
				"       attach cni PLUGIN CONFFILE NSPREFIX N\n");
		return 2;
	}
	if (n < 1 || n > 1000000) {
		fprintf(stderr, "attach: N \"%s\": expected 1..1000000\n", argv[argc == 6 ? 5 : 6]);
		return 2;
	}
	lat = calloc((size_t)n, sizeof(*lat));
	if (!lat)
		return 1;
	if (argc >= 7)
		r = run_api(argv[2], argv[3], argv[4], argv[5], n, argc == 8 ? atoi(argv[7]) : 0, lat);
	else
		r = run_cni(argv[2], argv[3], argv[4], n, lat);
	free(lat);
	return r;
}
