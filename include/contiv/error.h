/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CONTIV_ERROR_H
#define CONTIV_ERROR_H

/**
 * SECTION:error
 * Error codes.
 *
 * Every call that can fail for more than one reason returns 0 (or a
 * documented count >= 0) on success and a negative errno on failure. Failures
 * that errno cannot express use the values of enum contiv_errno, also
 * returned negated. The human-readable detail of the last failure (which
 * field, which value, why) is kept on the context: contiv_ctx_get_error().
 */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * enum contiv_errno - library error codes, returned negated (-CONTIV_ERR_...).
 *
 * Values are ABI: never renumbered, never removed.
 */
enum contiv_errno {
	CONTIV_ERRNO__START = 4000,
	/** The input is not well-formed JSON, or a JSON value has the wrong type. */
	CONTIV_ERR_JSON = 4001,
	/** An allocator (addresses, VLANs, VXLANs, ids) has nothing left to give. */
	CONTIV_ERR_EXHAUSTED = 4002,
	/** An address or id lies outside the pool it was asked from. */
	CONTIV_ERR_NOT_IN_POOL = 4003,
	/** A store transaction's comparison failed: the data changed meanwhile. */
	CONTIV_ERR_CONFLICT = 4004,
	/** A watch asked for revisions the store no longer keeps (compacted): resync. */
	CONTIV_ERR_COMPACTED = 4005,
	/** The state store cannot be reached or does not answer. */
	CONTIV_ERR_UNAVAILABLE = 4006,
	__CONTIV_ERRNO__END
};

/**
 * contiv_strerror:
 * @err: an error code, negative or positive: errno or enum contiv_errno
 * @buf: where to write the description
 * @len: size of @buf in bytes
 *
 * Writes a NUL-terminated, one-line description of @err into @buf.
 *
 * Returns: 0 on success; -EINVAL if @err is unknown (a generic text is still
 * written) or @buf is NULL; -ERANGE if the text was truncated to fit @len.
 *
 * Since: 1
 */
int contiv_strerror(int err, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* CONTIV_ERROR_H */
