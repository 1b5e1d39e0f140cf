// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The umbrella header alone must compile as C++ (extern "C", no C-only
// constructs): $(CXX) -std=c++11 -Wall -Wextra -pedantic -Werror
#include <contiv/contiv.h>

static_assert(CONTIV_VERSION_MAJOR >= 0, "CONTIV_VERSION_MAJOR is an integer");

// C linkage: these pointers only type-check if the declarations are extern "C"
// compatible with the C prototypes.
extern "C" {
typedef const char *version_fn_t(void);
typedef int strerror_fn_t(int, char *, size_t);
}
static version_fn_t *const version_fn = contiv_version;
static strerror_fn_t *const strerror_fn = contiv_strerror;

int main()
{
	struct contiv_ctx_opts opts = {};
	struct contiv_ctx *ctx = nullptr;
	char buf[128];

	opts.sz = sizeof(opts);
	if (contiv_ctx_new(&opts, &ctx) < 0)
		return 1;
	if (strerror_fn(-CONTIV_ERR_NOT_IN_POOL, buf, sizeof(buf)) < 0)
		return 1;
	if (!version_fn() || !version_fn()[0])
		return 1;
	ctx = contiv_ctx_unref(ctx);
	return ctx == nullptr ? 0 : 1;
}
