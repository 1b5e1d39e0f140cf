/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An out-of-tree program, built by tests/abi/check-consumer.sh against the
 * installed library only:
 *   cc consumer.c $(pkg-config --cflags --libs libcontiv)
 * It prints what check-consumer.sh compares:
 *   version <contiv_version()>
 *   headers <CONTIV_VERSION_MAJOR>.<MINOR>.<MICRO>
 *   strerror <err> <text>
 *   ok
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <contiv/contiv.h>

#define STR_(x) #x
#define STR(x) STR_(x)

int main(void)
{
	CONTIV_OPTS(contiv_ctx_opts, opts, .log_priority = 3);
	struct contiv_ctx *ctx = NULL;
	static const int errs[] = { -ENOENT, -CONTIV_ERR_EXHAUSTED };
	char buf[256];
	size_t i;
	int r;

	r = contiv_ctx_new(&opts, &ctx);
	if (r < 0) {
		fprintf(stderr, "contiv_ctx_new: %d\n", r);
		return 1;
	}
	printf("version %s\n", contiv_version());
	printf("headers %s\n", STR(CONTIV_VERSION_MAJOR) "." STR(CONTIV_VERSION_MINOR) "." STR(CONTIV_VERSION_MICRO));
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		r = contiv_strerror(errs[i], buf, sizeof(buf));
		if (r < 0) {
			fprintf(stderr, "contiv_strerror(%d): %d\n", errs[i], r);
			return 1;
		}
		printf("strerror %d %s\n", errs[i], buf);
	}
	if (contiv_ctx_get_errno(ctx) != 0 || strcmp(contiv_ctx_get_error(ctx), "") != 0) {
		fprintf(stderr, "a fresh context has an error\n");
		return 1;
	}
	ctx = contiv_ctx_unref(ctx);
	if (ctx != NULL)
		return 1;
	printf("ok\n");
	return 0;
}
