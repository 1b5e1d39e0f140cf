/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Leader election over the store: the key /contiv/leader holds the leader's
 * URL and is attached to its lease; it is created only if absent, and kept
 * by renewing the lease. A lease that expired means leadership is lost.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <contiv/contiv.h>

#include "master/master-private.h"

static int leader_url(struct contiv_master *m, char **ret)
{
	char *value = NULL;
	int r = contiv_store_get(m->store, CONTIV__K_LEADER, &value, NULL);

	if (r < 0)
		return r;
	if (ret)
		*ret = value;
	else
		free(value);
	return 0;
}

/*
 * Takes the key if it is absent, or if it holds our own URL under a lease we
 * do not hold: that is a previous run of this netmaster (killed, restarted
 * before its lease ran out), and waiting for that lease would only delay
 * writes by up to a TTL.
 */
static int try_take(struct contiv_master *m, uint32_t ttl)
{
	struct contiv_store_txn *txn = NULL;
	char *current = NULL;
	uint64_t lease = 0, rev = 0;
	int r = contiv_store_get(m->store, CONTIV__K_LEADER, &current, &rev);

	if (r == -ENOENT)
		rev = 0;
	else if (r < 0)
		return r;
	else if (strcmp(current, m->self_url)) {
		free(current);
		return 0;	/* someone else leads */
	}
	free(current);
	r = contiv_store_lease_grant(m->store, ttl, &lease);
	if (r < 0)
		return r;
	r = contiv_store_txn_new(m->store, &txn);
	if (r == 0)
		r = contiv_store_txn_compare(txn, CONTIV__K_LEADER, rev);
	if (r == 0)
		r = contiv_store_txn_put(txn, CONTIV__K_LEADER, m->self_url, lease);
	if (r == 0)
		r = contiv_store_txn_commit(txn, NULL);
	contiv_store_txn_free(txn);
	if (r == 0) {
		m->lease = lease;
		return 1;
	}
	contiv_store_lease_revoke(m->store, lease);
	return r == -CONTIV_ERR_CONFLICT ? 0 : r;
}

CONTIV_EXPORT int contiv_master_campaign(struct contiv_master *master, uint32_t ttl_seconds,
					 char **ret_leader_url)
{
	char *leader = NULL;
	int r = 0;

	contiv_return_val_if_fail(master && ttl_seconds > 0, -EINVAL);
	contiv_return_if_forked(master->ctx);
	if (!master->self_url)
		return contiv__error(master->ctx, -EINVAL, "master: campaign needs a self_url");
	if (master->lease) {
		r = contiv_store_lease_keepalive(master->store, master->lease);
		if (r == -ENOENT)
			master->lease = 0;	/* expired: leadership lost */
		else if (r < 0)
			return r;
	}
	if (master->lease) {
		/* Still ours? (someone may have deleted the key by hand) */
		r = leader_url(master, &leader);
		if (r == 0 && strcmp(leader, master->self_url)) {
			contiv_store_lease_revoke(master->store, master->lease);
			master->lease = 0;
		}
		free(leader);
		leader = NULL;
		if (r < 0 && r != -ENOENT)
			return r;
		r = master->lease ? 1 : 0;
	}
	if (!master->lease) {
		r = try_take(master, ttl_seconds);
		if (r < 0)
			return r;
	}
	if (ret_leader_url) {
		int g = leader_url(master, &leader);

		if (g < 0 && g != -ENOENT)
			return g;
		if (!leader) {
			leader = strdup("");
			if (!leader)
				return -ENOMEM;
		}
		*ret_leader_url = leader;
	}
	return r;
}

CONTIV_EXPORT int contiv_master_resign(struct contiv_master *master)
{
	int r;

	contiv_return_val_if_fail(master, -EINVAL);
	contiv_return_if_forked(master->ctx);
	if (!master->lease)
		return 0;
	r = contiv_store_lease_revoke(master->store, master->lease);
	master->lease = 0;
	return r == -ENOENT ? 0 : r;
}
