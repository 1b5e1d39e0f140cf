# SPDX-License-Identifier: LGPL-2.1-or-later
"""Python binding of libcontiv (ctypes, standard library only).

The library is loaded by its SONAME, ``libcontiv.so.1``, so the dynamic
loader's search path (LD_LIBRARY_PATH, ld.so.cache) decides which copy is
used. Setting the environment variable ``LIBCONTIV_SO`` to a file name or
path loads that instead; it is meant for tests and debugging only.

Every C function the module uses is declared with its argtypes and restype in
``_PROTOTYPES``. Negative return codes become :class:`ContivError` (or one of
its subclasses) carrying the context's message, ``contiv_ctx_get_error()``.
Objects and pools release their C counterpart when garbage-collected, on
``close()`` or at the end of a ``with`` block.

Example::

    import contiv
    ctx = contiv.Context()
    net = contiv.Object(ctx, "network", tenantName="default",
                        networkName="contiv-net", subnet="10.1.2.0/24",
                        gateway="10.1.2.254")
    net.validate()
    print(net.key, net.to_json(pretty=True))
    pool = contiv.IpamPool(ctx, net.get("subnet"), net.get("gateway"))
    addr = pool.alloc()                  # "10.1.2.1"

    store = contiv.Store(ctx, "sqlite:///tmp/state.db")
    rev = store.put("/contiv/x", "1")
    value, mod_rev = store.get("/contiv/x")
    with store.txn() as txn:             # compare-and-swap
        txn.compare("/contiv/x", mod_rev)
        txn.put("/contiv/x", "2")
        rev = txn.commit()               # ConflictError if /contiv/x changed

Store, Master (master.h) and Client (client.h) wrap the state store, the
netmaster request handler and the REST client; Policy (policy.h), Datapath
(dp.h) and Agent (agent.h) the policy compiler, one host's Linux datapath and
netplugin's logic::

    pol = contiv.Policy(ctx)
    pol.add_object(net)
    pol.set_network_tag(net.key, "vxlan", 100)
    cells = pol.compile()
    print(pol.to_nft())                  # "table inet contiv { ... }"
    dp = contiv.Datapath(ctx, vtep_ip="10.200.0.1")   # CAP_NET_ADMIN
    dp.apply_policy(pol)

A library that lacks some of these functions still loads; calling one raises
NotImplementedError (see missing_symbols()).
"""

import collections
import ctypes
import enum
import errno as _errno
import json
import os
import re

__all__ = [
    "AttrType", "Attribute", "BusyError", "Client", "CompactedError",
    "ConflictError", "Context", "ContivError", "Event", "ExhaustedError",
    "ExistsError", "ForkedError", "IdPool", "IpamPool",
    "InvalidArgumentError", "JSONError", "KeyValue", "Kind", "Master",
    "NoMemoryError", "NotFoundError", "NotInPoolError", "NotPermittedError",
    "Object", "RangeError", "Store", "Txn", "UnavailableError",
    "Agent", "Datapath", "DpState", "NotSupportedError", "Policy", "RuleCounter",
    "attributes", "bandwidth_format", "bandwidth_parse", "mac_from_ipv4",
    "missing_symbols", "strerror", "version",
    "ERR_JSON", "ERR_EXHAUSTED", "ERR_NOT_IN_POOL", "ERR_CONFLICT",
    "ERR_COMPACTED", "ERR_UNAVAILABLE", "IPAM_ADDR_MAX", "JSON_PRETTY",
    "STORE_KEY_MAX", "STORE_VALUE_MAX",
    "DP_VXLAN", "DP_VLAN", "DP_ARP_PROXY", "DP_ARP_FLOOD", "AGENT_DNS",
]

SONAME = "libcontiv.so.1"

# enum contiv_errno (error.h), ABI.
ERR_JSON = 4001
ERR_EXHAUSTED = 4002
ERR_NOT_IN_POOL = 4003
ERR_CONFLICT = 4004
ERR_COMPACTED = 4005
ERR_UNAVAILABLE = 4006

# CONTIV_STORE_KEY_MAX, CONTIV_STORE_VALUE_MAX (store.h), in bytes.
STORE_KEY_MAX = 1024
STORE_VALUE_MAX = 1024 * 1024

# enum contiv_json_flags (object.h).
JSON_PRETTY = 1 << 0

# CONTIV_IPAM_ADDR_MAX (ipam.h): any address text the IPAM functions write.
IPAM_ADDR_MAX = 46
_MAC_MAX = 18
_BANDWIDTH_MAX = 32   # "18446744073709551615bps" and its NUL fit
_U32_MAX = 0xFFFFFFFF
_U64_MAX = 2**64 - 1
_INT_MAX = 2**31 - 1


class Kind(enum.IntEnum):
    """enum contiv_object_kind (object.h); values are ABI."""
    TENANT = 1
    NETWORK = 2
    GROUP = 3
    POLICY = 4
    RULE = 5
    NETPROFILE = 6
    ENDPOINT = 7
    GLOBAL = 8


class AttrType(enum.IntEnum):
    """enum contiv_attr_type (object.h)."""
    STR = 1
    U32 = 2
    LIST = 3


# ---------------------------------------------------------------------------
# Loading and prototypes
# ---------------------------------------------------------------------------

class _CtxOpts(ctypes.Structure):
    """struct contiv_ctx_opts"""
    _fields_ = [
        ("sz", ctypes.c_size_t),
        ("log_priority", ctypes.c_uint32),
        ("reserved", ctypes.c_uint32),
    ]


class _StoreOpts(ctypes.Structure):
    """struct contiv_store_opts (store.h)"""
    _fields_ = [
        ("sz", ctypes.c_size_t),
        ("timeout_ms", ctypes.c_uint32),
        ("reserved", ctypes.c_uint32),
        ("tls_ca_file", ctypes.c_char_p),
        ("tls_cert_file", ctypes.c_char_p),
        ("tls_key_file", ctypes.c_char_p),
        ("username", ctypes.c_char_p),
        ("password", ctypes.c_char_p),
    ]


class _MasterOpts(ctypes.Structure):
    """struct contiv_master_opts (master.h)"""
    _fields_ = [
        ("sz", ctypes.c_size_t),
        ("max_body", ctypes.c_uint32),
        ("reserved", ctypes.c_uint32),
        ("version", ctypes.c_char_p),
        ("self_url", ctypes.c_char_p),
    ]


class _ClientOpts(ctypes.Structure):
    """struct contiv_client_opts (client.h)"""
    _fields_ = [
        ("sz", ctypes.c_size_t),
        ("timeout_ms", ctypes.c_uint32),
        ("insecure", ctypes.c_uint32),
        ("unix_socket", ctypes.c_char_p),
        ("auth_token", ctypes.c_char_p),
    ]


class _DpOpts(ctypes.Structure):
    """struct contiv_dp_opts (dp.h)"""
    _fields_ = [
        ("sz", ctypes.c_size_t),
        ("vxlan_port", ctypes.c_uint32),
        ("arp_mode", ctypes.c_uint32),
        ("vtep_ip", ctypes.c_char_p),
        ("vxlan_dev", ctypes.c_char_p),
        ("vlan_uplink", ctypes.c_char_p),
    ]


class _DpEndpointOpts(ctypes.Structure):
    """struct contiv_dp_endpoint_opts (dp.h)"""
    _fields_ = [
        ("sz", ctypes.c_size_t),
        ("encap", ctypes.c_uint32),
        ("tag", ctypes.c_uint32),
        ("mtu", ctypes.c_uint32),
        ("reserved", ctypes.c_uint32),
        ("id", ctypes.c_char_p),
        ("netns_path", ctypes.c_char_p),
        ("ifname", ctypes.c_char_p),
        ("mac", ctypes.c_char_p),
        ("ipv4_cidr", ctypes.c_char_p),
        ("gateway4", ctypes.c_char_p),
        ("ipv6_cidr", ctypes.c_char_p),
        ("gateway6", ctypes.c_char_p),
    ]


class _AgentOpts(ctypes.Structure):
    """struct contiv_agent_opts (agent.h)"""
    _fields_ = [
        ("sz", ctypes.c_size_t),
        ("reserved", ctypes.c_uint32),
        ("host", ctypes.c_char_p),
        ("vtep_ip", ctypes.c_char_p),
        ("portmap_file", ctypes.c_char_p),
        ("flags", ctypes.c_uint32),
        ("linger_sec", ctypes.c_uint32),
    ]


# contiv_store_kv_fn, contiv_store_event_fn (store.h), contiv_client_object_fn
# (client.h). The strings are borrowed: copied during the call.
_STORE_KV_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p,
                                ctypes.c_uint64, ctypes.c_void_p)
_STORE_EVENT_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_uint32, ctypes.c_char_p,
                                   ctypes.c_char_p, ctypes.c_uint64, ctypes.c_void_p)
_CLIENT_OBJECT_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
# contiv_dp_rule_counter_fn, contiv_dp_state_fn (dp.h); strings borrowed.
_DP_RULE_COUNTER_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p,
                                       ctypes.c_uint64, ctypes.c_uint64, ctypes.c_void_p)
_DP_STATE_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p,
                                ctypes.c_char_p, ctypes.c_void_p)

_LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p,
                           ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p,
                           ctypes.c_void_p)

_int = ctypes.c_int
_u32 = ctypes.c_uint32
_u64 = ctypes.c_uint64
_size = ctypes.c_size_t
_bool = ctypes.c_bool
_ptr = ctypes.c_void_p                   # opaque struct pointers
_pptr = ctypes.POINTER(ctypes.c_void_p)  # struct **ret, and char **ret (freed by contiv_free)
_pu64 = ctypes.POINTER(_u64)
_plong = ctypes.POINTER(ctypes.c_long)
_str = ctypes.c_char_p                   # const char * in, and owned const char * out
_buf = ctypes.c_char_p                   # char *buf of a caller-provided buffer

# name: (restype, argtypes). Every function this module calls is here.
_PROTOTYPES = {
    # ctx.h
    "contiv_ctx_new": (_int, [ctypes.POINTER(_CtxOpts), _pptr]),
    "contiv_ctx_ref": (_ptr, [_ptr]),
    "contiv_ctx_unref": (_ptr, [_ptr]),
    "contiv_ctx_set_log_fn": (_int, [_ptr, _LOG_FN, _ptr]),
    "contiv_ctx_set_log_priority": (_int, [_ptr, _int]),
    "contiv_ctx_get_log_priority": (_int, [_ptr]),
    "contiv_ctx_get_error": (_str, [_ptr]),
    "contiv_ctx_get_errno": (_int, [_ptr]),
    "contiv_ctx_clear_error": (None, [_ptr]),
    "contiv_free": (None, [_ptr]),
    # error.h
    "contiv_strerror": (_int, [_int, _buf, _size]),
    # version.h
    "contiv_version": (_str, []),
    # object.h
    "contiv_object_new": (_int, [_ptr, _u32, _pptr]),
    "contiv_object_ref": (_ptr, [_ptr]),
    "contiv_object_unref": (_ptr, [_ptr]),
    "contiv_object_dup": (_int, [_ptr, _pptr]),
    "contiv_object_equal": (_bool, [_ptr, _ptr]),
    "contiv_object_get_kind": (_u32, [_ptr]),
    "contiv_object_kind_name": (_str, [_u32]),
    "contiv_object_kind_collection": (_str, [_u32]),
    "contiv_object_kind_from_name": (_u32, [_str]),
    "contiv_object_attr_count": (_u32, [_u32]),
    "contiv_object_attr_name": (_str, [_u32, _u32]),
    "contiv_object_attr_type": (_u32, [_u32, _u32]),
    "contiv_object_attr_from_name": (_int, [_u32, _str]),
    "contiv_object_set_str": (_int, [_ptr, _u32, _str]),
    "contiv_object_set_u32": (_int, [_ptr, _u32, _u32]),
    "contiv_object_set_from_string": (_int, [_ptr, _u32, _str]),
    "contiv_object_get_str": (_str, [_ptr, _u32]),
    "contiv_object_get_u32": (_u32, [_ptr, _u32]),
    "contiv_object_is_set": (_bool, [_ptr, _u32]),
    "contiv_object_unset": (_int, [_ptr, _u32]),
    "contiv_object_list_add": (_int, [_ptr, _u32, _str]),
    "contiv_object_list_del": (_int, [_ptr, _u32, _str]),
    "contiv_object_list_count": (_size, [_ptr, _u32]),
    "contiv_object_list_get": (_str, [_ptr, _u32, _size]),
    "contiv_object_get_key": (_str, [_ptr]),
    "contiv_object_validate": (_int, [_ptr]),
    "contiv_object_to_json": (_int, [_ptr, _u32, _pptr]),
    "contiv_object_from_json": (_int, [_ptr, _u32, _str, _pptr]),
    "contiv_bandwidth_parse": (_int, [_ptr, _str, ctypes.POINTER(_u64)]),
    "contiv_bandwidth_format": (_int, [_u64, _buf, _size]),
    # ipam.h
    "contiv_ipam_pool_new": (_int, [_ptr, _str, _str, _pptr]),
    "contiv_ipam_pool_free": (None, [_ptr]),
    "contiv_ipam_pool_get_family": (_int, [_ptr]),
    "contiv_ipam_pool_get_prefix_len": (_int, [_ptr]),
    "contiv_ipam_pool_alloc": (_int, [_ptr, _str, _buf, _size]),
    "contiv_ipam_pool_release": (_int, [_ptr, _str]),
    "contiv_ipam_pool_is_allocated": (_int, [_ptr, _str]),
    "contiv_ipam_pool_carve": (_int, [_ptr, _str, _pptr]),
    "contiv_ipam_pool_uncarve": (_int, [_ptr, _str]),
    "contiv_ipam_pool_count_allocated": (_u64, [_ptr]),
    "contiv_ipam_pool_count_available": (_u64, [_ptr]),
    "contiv_ipam_pool_get_allocated": (_int, [_ptr, _pptr]),
    "contiv_ipam_pool_get_available": (_int, [_ptr, _pptr]),
    "contiv_ipam_pool_to_json": (_int, [_ptr, _pptr]),
    "contiv_ipam_pool_from_json": (_int, [_ptr, _str, _pptr]),
    "contiv_ipam_mac_from_ipv4": (_int, [_str, _buf, _size]),
    "contiv_idpool_new": (_int, [_ptr, _str, _pptr]),
    "contiv_idpool_free": (None, [_ptr]),
    "contiv_idpool_alloc": (_int, [_ptr, _u32, ctypes.POINTER(_u32)]),
    "contiv_idpool_release": (_int, [_ptr, _u32]),
    "contiv_idpool_is_allocated": (_int, [_ptr, _u32]),
    "contiv_idpool_set_range": (_int, [_ptr, _str]),
    "contiv_idpool_count_allocated": (_u64, [_ptr]),
    "contiv_idpool_get_allocated": (_int, [_ptr, _pptr]),
    "contiv_idpool_to_json": (_int, [_ptr, _pptr]),
    "contiv_idpool_from_json": (_int, [_ptr, _str, _pptr]),
    # store.h
    "contiv_store_open": (_int, [_ptr, _str, ctypes.POINTER(_StoreOpts), _pptr]),
    "contiv_store_ref": (_ptr, [_ptr]),
    "contiv_store_unref": (_ptr, [_ptr]),
    "contiv_store_get": (_int, [_ptr, _str, _pptr, _pu64]),
    "contiv_store_put": (_int, [_ptr, _str, _str, _pu64]),
    "contiv_store_delete": (_int, [_ptr, _str, _pu64]),
    "contiv_store_list": (_int, [_ptr, _str, _STORE_KV_FN, _ptr, _pu64]),
    "contiv_store_get_revision": (_int, [_ptr, _pu64]),
    "contiv_store_watch": (_int, [_ptr, _str, _u64, _int, _STORE_EVENT_FN, _ptr, _pu64]),
    "contiv_store_compact": (_int, [_ptr, _u64]),
    "contiv_store_lease_grant": (_int, [_ptr, _u32, _pu64]),
    "contiv_store_lease_keepalive": (_int, [_ptr, _u64]),
    "contiv_store_lease_revoke": (_int, [_ptr, _u64]),
    "contiv_store_txn_new": (_int, [_ptr, _pptr]),
    "contiv_store_txn_free": (None, [_ptr]),
    "contiv_store_txn_compare": (_int, [_ptr, _str, _u64]),
    "contiv_store_txn_put": (_int, [_ptr, _str, _str, _u64]),
    "contiv_store_txn_delete": (_int, [_ptr, _str]),
    "contiv_store_txn_commit": (_int, [_ptr, _pu64]),
    # master.h
    "contiv_master_new": (_int, [_ptr, _ptr, ctypes.POINTER(_MasterOpts), _pptr]),
    "contiv_master_ref": (_ptr, [_ptr]),
    "contiv_master_unref": (_ptr, [_ptr]),
    "contiv_master_init": (_int, [_ptr]),
    "contiv_master_handle": (_int, [_ptr, _str, _str, _buf, _size, _pptr]),
    "contiv_master_campaign": (_int, [_ptr, _u32, _pptr]),
    "contiv_master_resign": (_int, [_ptr]),
    # client.h
    "contiv_client_new": (_int, [_ptr, _str, ctypes.POINTER(_ClientOpts), _pptr]),
    "contiv_client_ref": (_ptr, [_ptr]),
    "contiv_client_unref": (_ptr, [_ptr]),
    "contiv_client_request": (_int, [_ptr, _str, _str, _str, _plong, _pptr]),
    "contiv_client_get_object": (_int, [_ptr, _u32, _str, _pptr]),
    "contiv_client_put_object": (_int, [_ptr, _ptr]),
    "contiv_client_delete_object": (_int, [_ptr, _u32, _str]),
    "contiv_client_list_objects": (_int, [_ptr, _u32, _CLIENT_OBJECT_FN, _ptr]),
    # policy.h
    "contiv_policy_new": (_int, [_ptr, _pptr]),
    "contiv_policy_ref": (_ptr, [_ptr]),
    "contiv_policy_unref": (_ptr, [_ptr]),
    "contiv_policy_add_object": (_int, [_ptr, _ptr]),
    "contiv_policy_set_network_tag": (_int, [_ptr, _str, _u32, _u32]),
    "contiv_policy_add_port_mapping": (_int, [_ptr, _str, _u32, _str, _u32]),
    "contiv_policy_compile": (_int, [_ptr]),
    "contiv_policy_to_json": (_int, [_ptr, _pptr]),
    "contiv_policy_to_nft": (_int, [_ptr, _pptr]),
    # dp.h
    "contiv_dp_new": (_int, [_ptr, ctypes.POINTER(_DpOpts), _pptr]),
    "contiv_dp_ref": (_ptr, [_ptr]),
    "contiv_dp_unref": (_ptr, [_ptr]),
    "contiv_dp_network_add": (_int, [_ptr, _u32, _u32, _str]),
    "contiv_dp_network_del": (_int, [_ptr, _u32, _u32]),
    "contiv_dp_remote_add": (_int, [_ptr, _u32, _str, _str, _str]),
    "contiv_dp_remote_del": (_int, [_ptr, _u32, _str, _str]),
    "contiv_dp_endpoint_add": (_int, [_ptr, ctypes.POINTER(_DpEndpointOpts), _buf, _size]),
    "contiv_dp_endpoint_del": (_int, [_ptr, _str]),
    "contiv_dp_endpoint_set_qos": (_int, [_ptr, _str, _u64, _u32]),
    "contiv_dp_apply_policy": (_int, [_ptr, _ptr]),
    "contiv_dp_read_counters": (_int, [_ptr, _DP_RULE_COUNTER_FN, _ptr]),
    "contiv_dp_read_state": (_int, [_ptr, _DP_STATE_FN, _ptr]),
    # agent.h
    "contiv_agent_new": (_int, [_ptr, _ptr, _ptr, ctypes.POINTER(_AgentOpts), _pptr]),
    "contiv_agent_ref": (_ptr, [_ptr]),
    "contiv_agent_unref": (_ptr, [_ptr]),
    "contiv_agent_sync": (_int, [_ptr, _int]),
    "contiv_agent_handle": (_int, [_ptr, _str, _str, _buf, _size, _pptr]),
    "contiv_agent_dns_answer": (_int, [_ptr, _str, ctypes.c_uint32, _buf, _size, _buf,
                                       _size, ctypes.POINTER(_size)]),
}


class _MissingSymbol:
    """Stands in for a function the loaded library does not export (an older
    library than this binding); calling it raises NotImplementedError."""

    def __init__(self, name):
        self.__name__ = name

    def __call__(self, *args):
        raise NotImplementedError("%s: undefined symbol: %s" % (_lib_name, self.__name__))


class _Functions:
    """The declared C functions, one attribute per name in _PROTOTYPES."""


def _load():
    name = os.environ.get("LIBCONTIV_SO") or SONAME
    return name, ctypes.CDLL(name, use_errno=True)


_lib_name, _lib = _load()
_c = _Functions()
_missing = []
for _name, (_restype, _argtypes) in _PROTOTYPES.items():
    try:
        _fn = getattr(_lib, _name)
    except AttributeError:
        _missing.append(_name)
        setattr(_c, _name, _MissingSymbol(_name))
        continue
    _fn.restype = _restype
    _fn.argtypes = _argtypes
    setattr(_c, _name, _fn)
del _name, _restype, _argtypes
_fn = None
del _fn


def missing_symbols():
    """Names of the C functions this binding wraps that the loaded library
    lacks (empty for a complete library)."""
    return list(_missing)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

class ContivError(Exception):
    """A libcontiv call failed.

    errno:   the positive error code (an errno value or ERR_*)
    message: the library's message (contiv_ctx_get_error()) or, when it left
             none, contiv_strerror() of the code
    """

    def __init__(self, errno, message):
        Exception.__init__(self, message)
        self.errno = errno
        self.message = message

    def __str__(self):
        return self.message


class InvalidArgumentError(ContivError, ValueError):
    """EINVAL: a malformed or out-of-range value, an unknown kind/attribute."""


class NotFoundError(ContivError, LookupError):
    """ENOENT: not allocated, not in the list, not carved."""


class ExistsError(ContivError):
    """EEXIST: address or id already allocated or reserved."""


class NotPermittedError(ContivError):
    """EPERM: e.g. releasing the gateway or an address of a carved range."""


class BusyError(ContivError):
    """EBUSY: e.g. an id pool range change that would drop allocated ids."""


class RangeError(ContivError):
    """ERANGE: a buffer too small or an index past the end."""


class NotSupportedError(ContivError):
    """EOPNOTSUPP: the kernel lacks a device type, queueing discipline or
    nftables feature (the message says which)."""


class NoMemoryError(ContivError, MemoryError):
    """ENOMEM."""


class ForkedError(ContivError):
    """ECHILD: a context used in the child after fork()."""


class JSONError(ContivError, ValueError):
    """CONTIV_ERR_JSON: malformed JSON or a value of the wrong JSON type."""


class ExhaustedError(ContivError):
    """CONTIV_ERR_EXHAUSTED: nothing left to allocate."""


class NotInPoolError(ContivError, ValueError):
    """CONTIV_ERR_NOT_IN_POOL: an address or id outside the pool."""


class ConflictError(ContivError):
    """CONTIV_ERR_CONFLICT: a store transaction's comparison failed (the data
    changed meanwhile; nothing was written)."""


class CompactedError(ContivError):
    """CONTIV_ERR_COMPACTED: a watch asked for history the store no longer
    keeps; list the prefix again and watch from the list's revision."""


class UnavailableError(ContivError):
    """CONTIV_ERR_UNAVAILABLE: the state store or netmaster cannot be reached
    or does not answer."""


_ERROR_CLASSES = {
    _errno.EINVAL: InvalidArgumentError,
    _errno.ENOENT: NotFoundError,
    _errno.EEXIST: ExistsError,
    _errno.EPERM: NotPermittedError,
    _errno.EBUSY: BusyError,
    _errno.ERANGE: RangeError,
    _errno.ENOMEM: NoMemoryError,
    _errno.ECHILD: ForkedError,
    _errno.EOPNOTSUPP: NotSupportedError,
    ERR_JSON: JSONError,
    ERR_EXHAUSTED: ExhaustedError,
    ERR_NOT_IN_POOL: NotInPoolError,
    ERR_CONFLICT: ConflictError,
    ERR_COMPACTED: CompactedError,
    ERR_UNAVAILABLE: UnavailableError,
}


def strerror(err):
    """contiv_strerror(): the description of an errno or ERR_* code (either
    sign). Unknown codes get the library's generic text."""
    size = 128
    while True:
        buf = ctypes.create_string_buffer(size)
        ret = _c.contiv_strerror(int(err), buf, size)
        if ret == -_errno.ERANGE and size < 65536:
            size *= 4
            continue
        return buf.value.decode("utf-8", "replace")


def _make_error(code, message=None):
    code = abs(code)
    if not message:
        message = strerror(code)
    return _ERROR_CLASSES.get(code, ContivError)(code, message)


def _ctx_error(ctxp, ret):
    """The exception for return code ret < 0 of a call on the context ctxp."""
    message = _c.contiv_ctx_get_error(ctxp) if ctxp else None
    return _make_error(ret, message.decode("utf-8", "replace") if message else None)


def _invalid(message):
    return InvalidArgumentError(_errno.EINVAL, message)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def _enc(value, what="value"):
    """A Python str (or bytes) as the char * argument; None stays NULL."""
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError("%s must be str, not %s" % (what, type(value).__name__))


def _dec(value):
    return None if value is None else value.decode("utf-8", "replace")


def _take_string(p):
    """Copies the C string at the void pointer p (a char ** result) and frees
    it with contiv_free()."""
    if not p.value:
        return None
    try:
        return ctypes.string_at(p.value).decode("utf-8", "replace")
    finally:
        _c.contiv_free(p)


def _u32_arg(value, what):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be int, not %s" % (what, type(value).__name__))
    if not 0 <= value <= _U32_MAX:
        raise _invalid("%s %d: out of range 0..%d" % (what, value, _U32_MAX))
    return value


def version():
    """contiv_version(): the loaded library's "MAJOR.MINOR.MICRO"."""
    return _dec(_c.contiv_version())


# ---------------------------------------------------------------------------
# Context
# ---------------------------------------------------------------------------

class _Handle:
    """Base of the wrappers: an owned C pointer released by _release()."""

    _p = None

    def _ptr(self):
        p = self._p
        if p is None:
            raise ValueError("%s is closed" % type(self).__name__)
        return p

    def _release(self, p):
        raise NotImplementedError

    def close(self):
        """Releases the C object now (idempotent)."""
        p, self._p = self._p, None
        if p is not None:
            self._release(p)

    def __del__(self):
        try:
            self.close()
        except Exception:       # interpreter shutdown
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class Context(_Handle):
    """A libcontiv context (struct contiv_ctx).

    Context(log_priority=None, log_fn=None)

    log_priority: highest syslog priority (0..7) passed to the log function;
                  None keeps the library default (3, LOG_ERR)
    log_fn:       callable(priority, file, line, function, message), see
                  set_log_fn()
    """

    def __init__(self, log_priority=None, log_fn=None):
        self._log_cb = None
        opts = _CtxOpts(sz=ctypes.sizeof(_CtxOpts))
        if log_priority is not None:
            if isinstance(log_priority, bool) or not isinstance(log_priority, int):
                raise TypeError("log_priority must be int")
            if not 0 <= log_priority <= 7:
                raise _invalid("log priority %d: must be 0..7" % log_priority)
            opts.log_priority = log_priority
        p = ctypes.c_void_p()
        ret = _c.contiv_ctx_new(ctypes.byref(opts), ctypes.byref(p))
        if ret < 0:
            raise _make_error(ret)
        self._p = p
        if log_priority == 0:   # 0 in the options means "default"
            self.log_priority = 0
        if log_fn is not None:
            self.set_log_fn(log_fn)

    def _release(self, p):
        _c.contiv_ctx_unref(p)

    def _call(self, fn, *args):
        """Calls fn(*args) on this context: clears the last error first so the
        exception carries this call's message only."""
        p = self._ptr()
        _c.contiv_ctx_clear_error(p)
        ret = fn(*args)
        if ret < 0:
            raise _ctx_error(p, ret)
        return ret

    @property
    def log_priority(self):
        """The highest syslog priority logged, 0..7."""
        ret = _c.contiv_ctx_get_log_priority(self._ptr())
        if ret < 0:
            raise _make_error(ret)
        return ret

    @log_priority.setter
    def log_priority(self, priority):
        if isinstance(priority, bool) or not isinstance(priority, int):
            raise TypeError("log_priority must be int")
        if not -2**31 <= priority < 2**31:
            raise _invalid("log priority %d: must be 0..7" % priority)
        self._call(_c.contiv_ctx_set_log_priority, self._ptr(), priority)

    def set_log_fn(self, fn):
        """Sends the library's log messages to fn(priority, file, line,
        function, message) (priority an int 0..7, the rest str and int), or
        stops logging if fn is None. The context keeps fn alive."""
        if fn is None:
            cb = _LOG_FN()      # NULL
        else:
            if not callable(fn):
                raise TypeError("log_fn must be callable")

            def trampoline(ctxp, priority, file, line, function, message, userdata):
                fn(priority, _dec(file), line, _dec(function), _dec(message))
            cb = _LOG_FN(trampoline)
        self._call(_c.contiv_ctx_set_log_fn, self._ptr(), cb, None)
        self._log_cb = cb if fn is not None else None

    @property
    def error(self):
        """The message of the last failed call on this context ("" if none)."""
        return _dec(_c.contiv_ctx_get_error(self._ptr())) or ""

    @property
    def errno(self):
        """The positive code of the last failed call, 0 if none."""
        return abs(_c.contiv_ctx_get_errno(self._ptr()))

    def clear_error(self):
        _c.contiv_ctx_clear_error(self._ptr())

    def __repr__(self):
        return "<contiv.Context%s>" % ("" if self._p is not None else " closed")


# ---------------------------------------------------------------------------
# Objects
# ---------------------------------------------------------------------------

Attribute = collections.namedtuple("Attribute", "kind index name type")


def _kind(kind):
    """A kind given as Kind, int or name ("network", "networks") -> int."""
    if isinstance(kind, (str, bytes)):
        value = _c.contiv_object_kind_from_name(_enc(kind))
        if value == 0:
            raise _invalid("unknown object kind %r" % (kind,))
    elif isinstance(kind, int) and not isinstance(kind, bool):
        value = int(kind)
        if not 0 < value <= _U32_MAX or _c.contiv_object_kind_name(value) is None:
            raise _invalid("unknown object kind %r" % (kind,))
    else:
        raise TypeError("kind must be a Kind, int or str, not %s" % type(kind).__name__)
    try:
        return Kind(value)
    except ValueError:
        return value


_attr_cache = {}


def attributes(kind):
    """The attributes of kind as a tuple of Attribute(kind, index, name, type),
    read from the library (contiv_object_attr_count/name/type)."""
    kind = _kind(kind)
    table = _attr_cache.get(kind)
    if table is None:
        table = tuple(
            Attribute(kind, i, _dec(_c.contiv_object_attr_name(kind, i)),
                      AttrType(_c.contiv_object_attr_type(kind, i)))
            for i in range(_c.contiv_object_attr_count(kind)))
        _attr_cache[kind] = table
    return table


def _snake(name):
    """JSON field name -> constant name: "ipv6Subnet" -> "IPV6_SUBNET"."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


def _attr_enums():
    """One IntEnum per kind, e.g. NetworkAttr.SUBNET == 5, generated from the
    library's attribute tables. Members carry .json_name and .type."""
    enums = {}
    for kind in Kind:
        cls_name = _dec(_c.contiv_object_kind_name(kind)).capitalize() + "Attr"
        table = attributes(kind)
        cls = enum.IntEnum(cls_name, [(_snake(a.name), a.index) for a in table],
                           module=__name__)
        cls.kind = kind
        for a in table:
            member = cls(a.index)
            member.json_name = a.name
            member.type = a.type
        enums[cls_name] = cls
    return enums


_attr_enum_classes = {}
if "contiv_object_attr_count" not in _missing:
    _attr_enum_classes = _attr_enums()
    globals().update(_attr_enum_classes)
    __all__ += sorted(_attr_enum_classes)


def __getattr__(name):
    if name.endswith("Attr") and _missing:
        raise AttributeError("module %r has no attribute %r: %s lacks the object model (%s)"
                             % (__name__, name, _lib_name, ", ".join(_missing[:3])))
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


class Object(_Handle):
    """A Contiv configuration object (struct contiv_object).

    Object(ctx, kind, **attrs)

    kind:  a Kind, its int value, or a name ("network") or collection
           ("networks")
    attrs: initial attribute values by JSON field name, e.g.
           Object(ctx, "network", tenantName="default", networkName="n1")

    Attributes are named by their JSON field name ("subnet"), by int index or
    by a member of the kind's generated enum (NetworkAttr.SUBNET). Values are
    str, int or list of str according to the attribute's type.
    """

    def __init__(self, ctx, kind, **attrs):
        kind = _kind(kind)
        p = ctypes.c_void_p()
        ctx._call(_c.contiv_object_new, ctx._ptr(), kind, ctypes.byref(p))
        self._adopt(ctx, p)
        for name, value in attrs.items():
            self.set(name, value)

    def _adopt(self, ctx, p, ctxp=None):
        self._p = p                     # first: owned from here on
        self._ctx = ctx                 # keeps the log callback alive
        # The C object holds a reference on its context, so this pointer
        # stays valid even after ctx.close().
        self._ctxp = ctxp if ctxp is not None else ctypes.c_void_p(ctx._ptr().value)
        self._kind = _kind(_c.contiv_object_get_kind(p))

    @classmethod
    def _wrap(cls, ctx, p, ctxp=None):
        obj = cls.__new__(cls)
        obj._adopt(ctx, p, ctxp)
        return obj

    def _release(self, p):
        _c.contiv_object_unref(p)

    def _call(self, fn, *args):
        _c.contiv_ctx_clear_error(self._ctxp)
        ret = fn(*args)
        if ret < 0:
            raise _ctx_error(self._ctxp, ret)
        return ret

    @classmethod
    def from_json(cls, ctx, kind, text):
        """contiv_object_from_json(): decodes text (str, bytes, or a dict that
        is JSON-encoded first) as an object of kind."""
        kind = _kind(kind)
        if isinstance(text, dict):
            text = json.dumps(text)
        p = ctypes.c_void_p()
        ctx._call(_c.contiv_object_from_json, ctx._ptr(), kind, _enc(text, "text"),
                  ctypes.byref(p))
        return cls._wrap(ctx, p)

    # -- kind ---------------------------------------------------------------

    @property
    def kind(self):
        return self._kind

    @property
    def kind_name(self):
        return _dec(_c.contiv_object_kind_name(self._kind))

    @property
    def collection(self):
        return _dec(_c.contiv_object_kind_collection(self._kind))

    @property
    def context(self):
        return self._ctx

    # -- attributes ---------------------------------------------------------

    def _attr(self, attr):
        """attr (name, index or enum member) -> (index, AttrType, name)."""
        table = attributes(self._kind)
        if isinstance(attr, (str, bytes)):
            index = _c.contiv_object_attr_from_name(self._kind, _enc(attr))
            if index < 0 or index >= len(table):
                name = attr.decode("utf-8", "replace") if isinstance(attr, bytes) else attr
                raise NotFoundError(_errno.ENOENT, '%s: no attribute "%s"'
                                    % (self.kind_name, name))
            return table[index]
        if isinstance(attr, bool) or not isinstance(attr, int):
            raise TypeError("attribute must be str or int, not %s" % type(attr).__name__)
        owner = getattr(type(attr), "kind", None)
        if isinstance(attr, enum.IntEnum) and owner is not None and owner != self._kind:
            raise _invalid("%s: attribute %s belongs to %s" % (
                self.kind_name, attr, _dec(_c.contiv_object_kind_name(owner))))
        if not 0 <= attr < len(table):
            raise _invalid("%s: no attribute %d" % (self.kind_name, attr))
        return table[attr]

    def attributes(self):
        """The attributes of this object's kind (see attributes())."""
        return attributes(self._kind)

    def get(self, attr, default=None):
        """The value of attr: str, int or list of str; default if unset."""
        a = self._attr(attr)
        p = self._ptr()
        if a.type == AttrType.STR:
            ctypes.set_errno(0)
            value = _c.contiv_object_get_str(p, a.index)
            if value is None:
                err = ctypes.get_errno()
                if err in (0, _errno.ENOENT):
                    return default
                raise _make_error(err, "%s: %s: %s" % (self.kind_name, a.name, strerror(err)))
            return _dec(value)
        if not _c.contiv_object_is_set(p, a.index):
            return default
        if a.type == AttrType.U32:
            return _c.contiv_object_get_u32(p, a.index)
        items = []
        for i in range(_c.contiv_object_list_count(p, a.index)):
            ctypes.set_errno(0)
            item = _c.contiv_object_list_get(p, a.index, i)
            if item is None:
                err = ctypes.get_errno() or _errno.EINVAL
                raise _make_error(err, "%s: %s[%d]: %s" % (self.kind_name, a.name, i,
                                                           strerror(err)))
            items.append(_dec(item))
        return items

    def set(self, attr, value):
        """Sets attr to value: a str for string attributes; an int (or its
        decimal text) for integer attributes; a list of str (or the
        comma-separated text) for lists; None unsets. On failure the object
        is unchanged and the exception carries the library's message."""
        a = self._attr(attr)
        p = self._ptr()
        if value is None:
            self._call(_c.contiv_object_unset, p, a.index)
        elif a.type == AttrType.STR:
            self._call(_c.contiv_object_set_str, p, a.index, _enc(value, a.name))
        elif a.type == AttrType.U32 and isinstance(value, int) and not isinstance(value, bool):
            self._call(_c.contiv_object_set_u32, p, a.index, _u32_arg(value, a.name))
        elif a.type == AttrType.LIST and not isinstance(value, (str, bytes)):
            try:
                items = list(value)
            except TypeError:
                raise TypeError("%s must be a list of str, not %s"
                                % (a.name, type(value).__name__)) from None
            items = [_enc(item, a.name + " item") for item in items]
            for item in items:
                if b"," in item:
                    raise _invalid('%s: %s item "%s": must not contain ","'
                                   % (self.kind_name, a.name, item.decode("utf-8", "replace")))
            self._call(_c.contiv_object_set_from_string, p, a.index, b",".join(items))
        elif isinstance(value, (str, bytes)):
            self.set_text(a.index, value)
        else:
            raise TypeError("%s must be %s, not %s" % (
                a.name, {AttrType.U32: "int", AttrType.LIST: "list"}[a.type],
                type(value).__name__))

    def set_text(self, attr, text):
        """contiv_object_set_from_string(): sets any attribute from its text
        form (decimal integer, comma-separated list)."""
        a = self._attr(attr)
        self._call(_c.contiv_object_set_from_string, self._ptr(), a.index, _enc(text, a.name))

    def is_set(self, attr):
        a = self._attr(attr)
        return bool(_c.contiv_object_is_set(self._ptr(), a.index))

    def unset(self, attr):
        a = self._attr(attr)
        self._call(_c.contiv_object_unset, self._ptr(), a.index)

    def list_add(self, attr, value):
        """Appends value to a list attribute; returns False if it was there."""
        a = self._attr(attr)
        return self._call(_c.contiv_object_list_add, self._ptr(), a.index,
                          _enc(value, a.name)) == 0

    def list_del(self, attr, value):
        """Removes value from a list attribute (NotFoundError if absent)."""
        a = self._attr(attr)
        self._call(_c.contiv_object_list_del, self._ptr(), a.index, _enc(value, a.name))

    def __getitem__(self, attr):
        value = self.get(attr)
        if value is None:
            raise KeyError(attr)
        return value

    def __setitem__(self, attr, value):
        self.set(attr, value)

    def __delitem__(self, attr):
        self.unset(attr)

    def __contains__(self, attr):
        return self.is_set(attr)

    @property
    def key(self):
        """The store/REST key ("tenant:network"), None if a name is unset."""
        return _dec(_c.contiv_object_get_key(self._ptr()))

    # -- whole object -------------------------------------------------------

    def validate(self):
        """contiv_object_validate(): raises InvalidArgumentError naming the
        first problem."""
        self._call(_c.contiv_object_validate, self._ptr())

    def is_valid(self):
        try:
            self.validate()
        except InvalidArgumentError:
            return False
        return True

    def to_json(self, pretty=False):
        p = ctypes.c_void_p()
        self._call(_c.contiv_object_to_json, self._ptr(), JSON_PRETTY if pretty else 0,
                   ctypes.byref(p))
        return _take_string(p)

    def to_dict(self):
        return json.loads(self.to_json())

    def dup(self):
        """An independent deep copy."""
        p = ctypes.c_void_p()
        self._call(_c.contiv_object_dup, self._ptr(), ctypes.byref(p))
        return type(self)._wrap(self._ctx, p, self._ctxp)

    __copy__ = dup

    def __deepcopy__(self, memo):
        return self.dup()

    def __eq__(self, other):
        if not isinstance(other, Object):
            return NotImplemented
        return bool(_c.contiv_object_equal(self._ptr(), other._ptr()))

    __hash__ = None     # mutable

    def __repr__(self):
        if self._p is None:
            return "<contiv.Object closed>"
        return "<contiv.Object %s %r>" % (self.kind_name, self.key)


def bandwidth_parse(text, ctx=None):
    """contiv_bandwidth_parse(): "500Kbps" -> 500000 (bit/s)."""
    own = ctx is None
    if own:
        ctx = Context()
    try:
        value = ctypes.c_uint64()
        ctx._call(_c.contiv_bandwidth_parse, ctx._ptr(), _enc(text, "bandwidth"),
                  ctypes.byref(value))
        return value.value
    finally:
        if own:
            ctx.close()


def bandwidth_format(bits_per_sec):
    """contiv_bandwidth_format(): 500000 -> "500Kbps"."""
    if isinstance(bits_per_sec, bool) or not isinstance(bits_per_sec, int):
        raise TypeError("bits_per_sec must be int")
    if not 0 <= bits_per_sec < 2**64:
        raise _invalid("bandwidth %d: out of range 0..2^64-1" % bits_per_sec)
    buf = ctypes.create_string_buffer(_BANDWIDTH_MAX)
    ret = _c.contiv_bandwidth_format(bits_per_sec, buf, _BANDWIDTH_MAX)
    if ret < 0:
        raise _make_error(ret)
    return buf.value.decode()


# ---------------------------------------------------------------------------
# IPAM
# ---------------------------------------------------------------------------

def mac_from_ipv4(ipv4):
    """contiv_ipam_mac_from_ipv4(): "10.1.2.3" -> "02:02:0a:01:02:03"."""
    buf = ctypes.create_string_buffer(_MAC_MAX)
    ret = _c.contiv_ipam_mac_from_ipv4(_enc(ipv4, "ipv4"), buf, _MAC_MAX)
    if ret < 0:
        raise _make_error(ret, 'IPv4 address "%s": %s' % (ipv4, strerror(ret))
                          if ret == -_errno.EINVAL else None)
    return buf.value.decode()


class _Pool(_Handle):
    def _adopt(self, ctx, p, ctxp=None):
        self._p = p
        self._ctx = ctx
        self._ctxp = ctxp if ctxp is not None else ctypes.c_void_p(ctx._ptr().value)

    @classmethod
    def _wrap(cls, ctx, p, ctxp=None):
        pool = cls.__new__(cls)
        pool._adopt(ctx, p, ctxp)
        return pool

    def _call(self, fn, *args):
        _c.contiv_ctx_clear_error(self._ctxp)
        ret = fn(*args)
        if ret < 0:
            raise _ctx_error(self._ctxp, ret)
        return ret

    def _string(self, fn):
        p = ctypes.c_void_p()
        self._call(fn, self._ptr(), ctypes.byref(p))
        return _take_string(p)

    @property
    def context(self):
        return self._ctx


class IpamPool(_Pool):
    """An address pool (struct contiv_ipam_pool).

    IpamPool(ctx, subnet, gateway=None)

    subnet:  "A.B.C.D/len", "A.B.C.D-E.F.G.H/len" or an IPv6 "prefix/len"
    gateway: the address to reserve, or None
    """

    def __init__(self, ctx, subnet, gateway=None):
        p = ctypes.c_void_p()
        ctx._call(_c.contiv_ipam_pool_new, ctx._ptr(), _enc(subnet, "subnet"),
                  _enc(gateway, "gateway"), ctypes.byref(p))
        self._adopt(ctx, p)

    def _release(self, p):
        _c.contiv_ipam_pool_free(p)

    @classmethod
    def from_json(cls, ctx, text):
        if isinstance(text, dict):
            text = json.dumps(text)
        p = ctypes.c_void_p()
        ctx._call(_c.contiv_ipam_pool_from_json, ctx._ptr(), _enc(text, "text"),
                  ctypes.byref(p))
        return cls._wrap(ctx, p)

    def to_json(self):
        return self._string(_c.contiv_ipam_pool_to_json)

    def to_dict(self):
        return json.loads(self.to_json())

    @property
    def family(self):
        """4 or 6."""
        return self._call(_c.contiv_ipam_pool_get_family, self._ptr())

    @property
    def prefix_len(self):
        return self._call(_c.contiv_ipam_pool_get_prefix_len, self._ptr())

    def alloc(self, want=None):
        """Allocates want, or the lowest free address; returns it (str).
        Raises ExhaustedError, ExistsError, NotInPoolError."""
        buf = ctypes.create_string_buffer(IPAM_ADDR_MAX)
        self._call(_c.contiv_ipam_pool_alloc, self._ptr(), _enc(want, "address"), buf,
                   IPAM_ADDR_MAX)
        return buf.value.decode()

    def release(self, addr):
        self._call(_c.contiv_ipam_pool_release, self._ptr(), _enc(addr, "address"))

    def is_allocated(self, addr):
        """True if addr is allocated or reserved (gateway, carved)."""
        return self._call(_c.contiv_ipam_pool_is_allocated, self._ptr(),
                          _enc(addr, "address")) == 1

    def __contains__(self, addr):
        return self.is_allocated(addr)

    def carve(self, range_):
        """Reserves range_ ("A.B.C.D-E.F.G.H" or "A.B.C.D") here and returns a
        new IpamPool that allocates only from it."""
        p = ctypes.c_void_p()
        self._call(_c.contiv_ipam_pool_carve, self._ptr(), _enc(range_, "range"),
                   ctypes.byref(p))
        return IpamPool._wrap(self._ctx, p, self._ctxp)

    def uncarve(self, range_):
        self._call(_c.contiv_ipam_pool_uncarve, self._ptr(), _enc(range_, "range"))

    @property
    def count_allocated(self):
        """Allocated addresses, gateway and carved ranges included."""
        return _c.contiv_ipam_pool_count_allocated(self._ptr())

    @property
    def count_available(self):
        return _c.contiv_ipam_pool_count_available(self._ptr())

    @property
    def allocated(self):
        """The allocated addresses as a range string ("10.1.1.1-10.1.1.3, 10.1.1.254")."""
        return self._string(_c.contiv_ipam_pool_get_allocated)

    @property
    def available(self):
        """The free addresses as a range string."""
        return self._string(_c.contiv_ipam_pool_get_available)

    def __repr__(self):
        if self._p is None:
            return "<contiv.IpamPool closed>"
        return "<contiv.IpamPool IPv%d /%d, %d allocated>" % (
            self.family, self.prefix_len, self.count_allocated)


class IdPool(_Pool):
    """An id pool (struct contiv_idpool): VLANs, VXLAN VNIs, group ids.

    IdPool(ctx, range_)   with range_ "MIN-MAX", e.g. "1-4094"
    """

    def __init__(self, ctx, range_):
        p = ctypes.c_void_p()
        ctx._call(_c.contiv_idpool_new, ctx._ptr(), _enc(range_, "range"), ctypes.byref(p))
        self._adopt(ctx, p)

    def _release(self, p):
        _c.contiv_idpool_free(p)

    @classmethod
    def from_json(cls, ctx, text):
        if isinstance(text, dict):
            text = json.dumps(text)
        p = ctypes.c_void_p()
        ctx._call(_c.contiv_idpool_from_json, ctx._ptr(), _enc(text, "text"), ctypes.byref(p))
        return cls._wrap(ctx, p)

    def to_json(self):
        return self._string(_c.contiv_idpool_to_json)

    def to_dict(self):
        return json.loads(self.to_json())

    def alloc(self, want=None):
        """Allocates want, or the lowest free id (want None or 0); returns it."""
        value = ctypes.c_uint32()
        self._call(_c.contiv_idpool_alloc, self._ptr(),
                   0 if want is None else _u32_arg(want, "id"), ctypes.byref(value))
        return value.value

    def release(self, id_):
        self._call(_c.contiv_idpool_release, self._ptr(), _u32_arg(id_, "id"))

    def is_allocated(self, id_):
        return self._call(_c.contiv_idpool_is_allocated, self._ptr(),
                          _u32_arg(id_, "id")) == 1

    def __contains__(self, id_):
        return self.is_allocated(id_)

    def set_range(self, range_):
        """Moves the pool to range_, keeping its allocations (BusyError if one
        would fall outside)."""
        self._call(_c.contiv_idpool_set_range, self._ptr(), _enc(range_, "range"))

    @property
    def count_allocated(self):
        return _c.contiv_idpool_count_allocated(self._ptr())

    @property
    def allocated(self):
        """The allocated ids as a range string ("1-3, 7")."""
        return self._string(_c.contiv_idpool_get_allocated)

    def __repr__(self):
        if self._p is None:
            return "<contiv.IdPool closed>"
        return "<contiv.IdPool %d allocated>" % self.count_allocated


# ---------------------------------------------------------------------------
# Store, master, client
# ---------------------------------------------------------------------------

KeyValue = collections.namedtuple("KeyValue", "key value mod_revision")
KeyValue.__doc__ = "One key of Store.list(): key, value (str) and mod_revision (int)."

Event = collections.namedtuple("Event", "type key value revision")
Event.__doc__ = """One change of Store.watch(): type "put" or "delete", key, value ("" for
a delete) and the revision of the change."""

# enum contiv_store_event_type (store.h)
_EVENT_TYPES = {1: "put", 2: "delete"}


def _check_ctx(ctx):
    if not isinstance(ctx, Context):
        raise TypeError("ctx must be a contiv.Context, not %s" % type(ctx).__name__)


def _text(value, what, optional=False):
    """A str or bytes argument the library reads as a NUL-terminated string,
    encoded; one holding a NUL byte is refused (C would silently cut it
    there). None is NULL if optional, a TypeError otherwise."""
    if value is None:
        if optional:
            return None
        raise TypeError("%s must be str, not None" % what)
    b = _enc(value, what)
    if b"\0" in b:
        raise _invalid("%s %r: contains a NUL byte" % (what, value))
    return b


def _json_body(body, what="body"):
    """A request body: str or bytes as they are, anything else JSON-encoded."""
    if body is None or isinstance(body, (str, bytes)):
        return _enc(body, what)
    return json.dumps(body).encode("utf-8")


def _int_arg(value, what, lo, hi):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be int, not %s" % (what, type(value).__name__))
    if not lo <= value <= hi:
        raise _invalid("%s %d: out of range %d..%d" % (what, value, lo, hi))
    return value


def _u64_arg(value, what):
    return _int_arg(value, what, 0, _U64_MAX)


class _Callback:
    """Runs a Python function as a C callback (contiv_store_kv_fn, ...): the
    function's true result stops the C iteration; an exception it raises
    also stops it (the callback returns non-zero) and is re-raised by
    reraise() once the C call has returned."""

    def __init__(self, fn):
        self.fn = fn
        self.error = None
        self.stopped = False

    def __call__(self, *args):
        if self.stopped:                # the library went on after a stop
            return 1
        try:
            self.stopped = bool(self.fn(*args))
        except BaseException as e:      # re-raised by reraise()
            self.error = e
            self.stopped = True
        return 1 if self.stopped else 0

    def reraise(self):
        e, self.error = self.error, None
        if e is not None:
            try:
                raise e
            finally:
                e = None


class _Bound(_Handle):
    """A wrapper of a C object that holds a reference on its context: calls
    on it report their errors through that context."""

    def _bind(self, ctx, p, ctxp=None):
        self._p = p                     # first: owned from here on
        self._ctx = ctx                 # keeps the log callback alive
        self._ctxp = ctxp if ctxp is not None else ctypes.c_void_p(ctx._ptr().value)

    def _call(self, fn, *args):
        _c.contiv_ctx_clear_error(self._ctxp)
        ret = fn(*args)
        if ret < 0:
            raise _ctx_error(self._ctxp, ret)
        return ret

    def _call_with(self, cb, fn, *args):
        """_call() of a function taking the callback cb: an exception raised
        in cb wins over the return code."""
        _c.contiv_ctx_clear_error(self._ctxp)
        ret = fn(*args)
        cb.reraise()
        if ret < 0:
            raise _ctx_error(self._ctxp, ret)
        return ret

    @property
    def context(self):
        return self._ctx


class Store(_Bound):
    """The state store (struct contiv_store, store.h).

    Store(ctx, url, timeout_ms=None, tls_ca_file=None, tls_cert_file=None,
          tls_key_file=None, username=None, password=None)

    url:        "sqlite:///absolute/path.db" or "etcd://host:port[,host:port]"
                ("etcds://" for TLS)
    timeout_ms: per-request (etcd) or busy (SQLite) timeout; None = 5000

    Keys are 1..1024 bytes of printable ASCII without spaces, values text up
    to 1 MiB (both str, or bytes). Every write returns the store's new
    revision. Raises UnavailableError if the store cannot be reached.
    """

    def __init__(self, ctx, url, timeout_ms=None, tls_ca_file=None, tls_cert_file=None,
                 tls_key_file=None, username=None, password=None):
        _check_ctx(ctx)
        opts = _StoreOpts(sz=ctypes.sizeof(_StoreOpts))
        if timeout_ms is not None:
            opts.timeout_ms = _u32_arg(timeout_ms, "timeout_ms")
        # The encoded strings stay referenced here (and by opts) until the
        # call has returned.
        strings = {name: _text(value, name, optional=True) for name, value in (
            ("tls_ca_file", tls_ca_file), ("tls_cert_file", tls_cert_file),
            ("tls_key_file", tls_key_file), ("username", username), ("password", password))}
        for name, value in strings.items():
            setattr(opts, name, value)
        url_b = _text(url, "url")
        p = ctypes.c_void_p()
        ctx._call(_c.contiv_store_open, ctx._ptr(), url_b, ctypes.byref(opts), ctypes.byref(p))
        self._bind(ctx, p)
        self._url = url if isinstance(url, str) else url.decode("utf-8", "replace")

    def _release(self, p):
        _c.contiv_store_unref(p)

    @property
    def url(self):
        return self._url

    def get(self, key):
        """(value, mod_revision) of key; NotFoundError if it does not exist."""
        value = ctypes.c_void_p()
        rev = ctypes.c_uint64()
        self._call(_c.contiv_store_get, self._ptr(), _text(key, "key"), ctypes.byref(value),
                   ctypes.byref(rev))
        return _take_string(value), rev.value

    def __contains__(self, key):
        try:
            self._call(_c.contiv_store_get, self._ptr(), _text(key, "key"), None, None)
        except NotFoundError:
            return False
        return True

    def put(self, key, value, lease=0):
        """Sets key to value (attached to lease if non-zero, through a
        transaction); returns the revision of the write."""
        if lease:
            with self.txn() as txn:
                txn.put(key, value, lease)
                return txn.commit()
        rev = ctypes.c_uint64()
        self._call(_c.contiv_store_put, self._ptr(), _text(key, "key"), _text(value, "value"),
                   ctypes.byref(rev))
        return rev.value

    def delete(self, key):
        """Deletes key; returns the revision of the delete. NotFoundError if
        it does not exist."""
        rev = ctypes.c_uint64()
        self._call(_c.contiv_store_delete, self._ptr(), _text(key, "key"), ctypes.byref(rev))
        return rev.value

    def list(self, prefix="", fn=None):
        """The keys starting with prefix, a consistent snapshot in byte order
        of the keys.

        Without fn: returns ([KeyValue(key, value, mod_revision), ...],
        revision), revision being the store's at the time of the list (watch
        after it to follow later changes).

        With fn: calls fn(key, value, mod_revision) for each key instead; a
        true result stops the listing, an exception stops it and propagates.
        Returns (number of calls, revision), revision None if fn stopped
        the listing.
        """
        items = []
        calls = [0]
        user = fn if fn is not None else (lambda *kv: items.append(KeyValue(*kv)))

        def on_kv(key, value, mod_revision, userdata):
            calls[0] += 1
            return user(_dec(key), _dec(value), mod_revision)
        cb = _Callback(on_kv)
        c_fn = _STORE_KV_FN(cb)         # alive until the call returns
        rev = ctypes.c_uint64()
        self._call_with(cb, _c.contiv_store_list, self._ptr(), _text(prefix, "prefix"), c_fn,
                        None, ctypes.byref(rev))
        if cb.stopped:                  # not all backends report it then
            return calls[0], None
        return (items if fn is None else calls[0]), rev.value

    def keys(self, prefix=""):
        return [kv.key for kv in self.list(prefix)[0]]

    @property
    def revision(self):
        """The store's current revision."""
        rev = ctypes.c_uint64()
        self._call(_c.contiv_store_get_revision, self._ptr(), ctypes.byref(rev))
        return rev.value

    def watch(self, prefix, after, timeout_ms=0, fn=None):
        """The changes under prefix with a revision above after: those that
        exist now or, if there are none, those that arrive within timeout_ms
        (0: do not wait; None or negative: wait without limit).

        Without fn: returns ([Event(type, key, value, revision), ...],
        next_revision), type being "put" or "delete" and next_revision the
        after to pass next time. With fn: calls fn(type, key, value,
        revision) for each change instead; a true result stops the watch, an
        exception stops it and propagates; returns (number of calls,
        next_revision), next_revision being the revision of the last event
        fn saw if it stopped the watch (so a stop in the middle of a
        transaction's events skips the rest of that transaction).

        Raises CompactedError if the changes after after are no longer kept.
        """
        if timeout_ms is None:
            timeout_ms = -1
        timeout_ms = max(_int_arg(timeout_ms, "timeout_ms", -2**63, _INT_MAX), -1)
        events = []
        calls = [0]
        last = [0]
        user = fn if fn is not None else (lambda *ev: events.append(Event(*ev)))

        def on_event(type_, key, value, revision, userdata):
            calls[0] += 1
            last[0] = revision
            return user(_EVENT_TYPES.get(type_, type_), _dec(key), _dec(value), revision)
        cb = _Callback(on_event)
        c_fn = _STORE_EVENT_FN(cb)      # alive until the call returns
        rev = ctypes.c_uint64()
        self._call_with(cb, _c.contiv_store_watch, self._ptr(), _text(prefix, "prefix"),
                        _u64_arg(after, "after"), timeout_ms, c_fn, None, ctypes.byref(rev))
        if cb.stopped:
            # Stopped by fn: the backends differ in what they store then
            # (etcd nothing); resume after the last event fn saw.
            return calls[0], last[0]
        return (events if fn is None else calls[0]), rev.value

    def compact(self, revision):
        """Drops the change history up to and including revision."""
        self._call(_c.contiv_store_compact, self._ptr(), _u64_arg(revision, "revision"))

    def lease_grant(self, ttl):
        """A new lease of ttl seconds (1..3600); returns its id."""
        lease = ctypes.c_uint64()
        self._call(_c.contiv_store_lease_grant, self._ptr(), _u32_arg(ttl, "ttl"),
                   ctypes.byref(lease))
        return lease.value

    def lease_keepalive(self, lease):
        """Restarts the lease's TTL; NotFoundError if it expired."""
        self._call(_c.contiv_store_lease_keepalive, self._ptr(), _u64_arg(lease, "lease"))

    def lease_revoke(self, lease):
        """Ends the lease now, deleting its keys; NotFoundError if none."""
        self._call(_c.contiv_store_lease_revoke, self._ptr(), _u64_arg(lease, "lease"))

    def txn(self):
        """A new, empty transaction (Txn)."""
        return Txn(self)

    def __repr__(self):
        if self._p is None:
            return "<contiv.Store closed>"
        return "<contiv.Store %s>" % self._url


class Txn(_Bound):
    """A store transaction (struct contiv_store_txn): comparisons on keys'
    mod_revisions and puts and deletes applied all or nothing by commit().
    Made by Store.txn(); a context manager that frees it at the end of the
    with block. compare(), put() and delete() return the transaction, so
    calls can be chained."""

    def __init__(self, store):
        if not isinstance(store, Store):
            raise TypeError("store must be a contiv.Store, not %s" % type(store).__name__)
        p = ctypes.c_void_p()
        store._call(_c.contiv_store_txn_new, store._ptr(), ctypes.byref(p))
        self._bind(store._ctx, p, store._ctxp)
        self._store = store

    def _release(self, p):
        _c.contiv_store_txn_free(p)

    @property
    def store(self):
        return self._store

    def compare(self, key, mod_revision):
        """Condition: key's mod_revision is mod_revision at commit (0: key
        must not exist)."""
        self._call(_c.contiv_store_txn_compare, self._ptr(), _text(key, "key"),
                   _u64_arg(mod_revision, "mod_revision"))
        return self

    def put(self, key, value, lease=0):
        self._call(_c.contiv_store_txn_put, self._ptr(), _text(key, "key"),
                   _text(value, "value"), _u64_arg(lease, "lease"))
        return self

    def delete(self, key):
        """Deletes key (a missing key is not an error in a transaction)."""
        self._call(_c.contiv_store_txn_delete, self._ptr(), _text(key, "key"))
        return self

    def commit(self):
        """Applies the transaction; returns the revision of the write.
        ConflictError if a comparison failed (nothing written); NotFoundError
        if a put names an expired lease; InvalidArgumentError if empty or
        already committed."""
        rev = ctypes.c_uint64()
        self._call(_c.contiv_store_txn_commit, self._ptr(), ctypes.byref(rev))
        return rev.value

    def __repr__(self):
        return "<contiv.Txn%s>" % ("" if self._p is not None else " closed")


class Master(_Bound):
    """netmaster's logic (struct contiv_master, master.h): Contiv's REST API
    over a Store, one request at a time.

    Master(ctx, store, max_body=None, version=None, self_url=None)

    max_body: largest request body in bytes; None = 1 MiB
    version:  text reported by /version; None = the library's version
    self_url: this netmaster's URL ("http://host:port"), for /info and
              leader election
    """

    def __init__(self, ctx, store, max_body=None, version=None, self_url=None):
        _check_ctx(ctx)
        if not isinstance(store, Store):
            raise TypeError("store must be a contiv.Store, not %s" % type(store).__name__)
        opts = _MasterOpts(sz=ctypes.sizeof(_MasterOpts))
        if max_body is not None:
            opts.max_body = _u32_arg(max_body, "max_body")
        version_b = _text(version, "version", optional=True)
        self_url_b = _text(self_url, "self_url", optional=True)
        opts.version = version_b
        opts.self_url = self_url_b
        p = ctypes.c_void_p()
        ctx._call(_c.contiv_master_new, ctx._ptr(), store._ptr(), ctypes.byref(opts),
                  ctypes.byref(p))
        self._bind(ctx, p)
        self._store = store

    def _release(self, p):
        _c.contiv_master_unref(p)

    @property
    def store(self):
        return self._store

    def init(self):
        """Creates what a first start needs (global defaults, tenant
        "default"), keeping what is stored."""
        self._call(_c.contiv_master_init, self._ptr())

    def handle(self, method, path, body=b""):
        """Serves one request: method "GET", "POST", "PUT" or "DELETE", path
        with an optional "?query", body str, bytes, None, or any other value
        to send JSON-encoded. Returns (status, body_text); request failures
        are statuses (400, 404, 409, ...) with {"error": ..., "status": ...}
        bodies, not exceptions."""
        data = _json_body(body)
        out = ctypes.c_void_p()
        status = self._call(_c.contiv_master_handle, self._ptr(), _text(method, "method"),
                            _text(path, "path"), data, 0 if data is None else len(data),
                            ctypes.byref(out))
        return status, _take_string(out) or ""

    def campaign(self, ttl):
        """Takes part in the leader election with a lease of ttl seconds;
        returns (is_leader, leader_url). Call it every ttl/3 seconds."""
        out = ctypes.c_void_p()
        ret = self._call(_c.contiv_master_campaign, self._ptr(), _u32_arg(ttl, "ttl"),
                         ctypes.byref(out))
        return ret == 1, _take_string(out)

    def resign(self):
        """Gives up leadership now (also fine when not the leader)."""
        self._call(_c.contiv_master_resign, self._ptr())

    def __repr__(self):
        return "<contiv.Master%s>" % ("" if self._p is not None else " closed")


class Client(_Bound):
    """A client of netmaster's REST API (struct contiv_client, client.h).

    Client(ctx, url, timeout_ms=None, insecure=False, unix_socket=None,
           auth_token=None)

    url:         "http://host:port" or "https://host:port"
    timeout_ms:  per-request timeout; None = 30000
    insecure:    skip TLS certificate verification
    unix_socket: connect through this unix socket instead of TCP
    auth_token:  sent as "x-auth-token" with every request

    Objects it returns belong to ctx. Raises UnavailableError when netmaster
    cannot be reached; netmaster's error statuses become NotFoundError (404),
    InvalidArgumentError (400), BusyError (409), UnavailableError (503) with
    netmaster's message.
    """

    def __init__(self, ctx, url, timeout_ms=None, insecure=False, unix_socket=None,
                 auth_token=None):
        _check_ctx(ctx)
        opts = _ClientOpts(sz=ctypes.sizeof(_ClientOpts), insecure=1 if insecure else 0)
        if timeout_ms is not None:
            opts.timeout_ms = _u32_arg(timeout_ms, "timeout_ms")
        unix_socket_b = _text(unix_socket, "unix_socket", optional=True)
        auth_token_b = _text(auth_token, "auth_token", optional=True)
        opts.unix_socket = unix_socket_b
        opts.auth_token = auth_token_b
        url_b = _text(url, "url")
        p = ctypes.c_void_p()
        ctx._call(_c.contiv_client_new, ctx._ptr(), url_b, ctypes.byref(opts), ctypes.byref(p))
        self._bind(ctx, p)
        self._url = url if isinstance(url, str) else url.decode("utf-8", "replace")

    def _release(self, p):
        _c.contiv_client_unref(p)

    @property
    def url(self):
        return self._url

    def request(self, method, path, body=None):
        """Sends one request (body str, bytes, None, or a value to send
        JSON-encoded); returns (status, body_text). An HTTP error status is
        an answer, not an exception."""
        status = ctypes.c_long()
        out = ctypes.c_void_p()
        self._call(_c.contiv_client_request, self._ptr(), _text(method, "method"),
                   _text(path, "path"), _text(_json_body(body), "body", optional=True),
                   ctypes.byref(status), ctypes.byref(out))
        return status.value, _take_string(out) or ""

    def get_object(self, kind, key):
        """The object of kind with key (Object); NotFoundError if none."""
        p = ctypes.c_void_p()
        self._call(_c.contiv_client_get_object, self._ptr(), _kind(kind), _text(key, "key"),
                   ctypes.byref(p))
        return Object._wrap(self._ctx, p, self._ctxp)

    def put_object(self, obj):
        """Creates or updates obj (an Object) on netmaster."""
        if not isinstance(obj, Object):
            raise TypeError("obj must be a contiv.Object, not %s" % type(obj).__name__)
        self._call(_c.contiv_client_put_object, self._ptr(), obj._ptr())

    def delete_object(self, kind, key):
        self._call(_c.contiv_client_delete_object, self._ptr(), _kind(kind), _text(key, "key"))

    def list_objects(self, kind, fn=None):
        """The objects of kind, in key order: a list of Object; or, with fn,
        calls fn(obj) for each (a true result stops, an exception stops and
        propagates) and returns the number of calls."""
        objects = []
        calls = [0]
        user = fn if fn is not None else objects.append

        def on_object(objp, userdata):
            calls[0] += 1
            # Borrowed: take a reference for the wrapper.
            obj = Object._wrap(self._ctx, ctypes.c_void_p(_c.contiv_object_ref(objp)),
                               self._ctxp)
            return user(obj)
        cb = _Callback(on_object)
        c_fn = _CLIENT_OBJECT_FN(cb)    # alive until the call returns
        self._call_with(cb, _c.contiv_client_list_objects, self._ptr(), _kind(kind), c_fn,
                        None)
        return objects if fn is None else calls[0]

    def __repr__(self):
        if self._p is None:
            return "<contiv.Client closed>"
        return "<contiv.Client %s>" % self._url


# ---------------------------------------------------------------------------
# Policy compiler, datapath, agent
# ---------------------------------------------------------------------------

# enum contiv_dp_encap, enum contiv_dp_arp_mode (dp.h), ABI.
DP_VXLAN = 1
DP_VLAN = 2
DP_ARP_PROXY = 1
DP_ARP_FLOOD = 2
AGENT_DNS = 1           # CONTIV_AGENT_DNS (agent.h)
_AGENT_DNS_TCP = 1      # CONTIV_AGENT_DNS_TCP
_AGENT_DNS_REPLY_MAX = 65535

_ENCAPS = {"vxlan": DP_VXLAN, "vlan": DP_VLAN}
_ARP_MODES = {"proxy": DP_ARP_PROXY, "flood": DP_ARP_FLOOD}

RuleCounter = collections.namedtuple("RuleCounter", "rule group packets bytes")
RuleCounter.__doc__ = """One rule counter of Datapath.read_counters(): the rule's key
("tenant:policy:ruleId"), the group it applies to ("tenant:group"), packets
and bytes matched since the rule was applied."""

DpState = collections.namedtuple("DpState", "what key detail")
DpState.__doc__ = """One item of Datapath.read_state(): what ("network", "endpoint",
"remote" or "qos"), key ("vxlan:100", the endpoint id, "tag:mac") and detail,
a dict of what the kernel has."""


def _encap(encap):
    """"vxlan", "vlan", DP_VXLAN or DP_VLAN -> int."""
    if isinstance(encap, (str, bytes)):
        name = encap.decode("utf-8", "replace") if isinstance(encap, bytes) else encap
        try:
            return _ENCAPS[name.lower()]
        except KeyError:
            raise _invalid('encap "%s": must be vxlan or vlan' % name) from None
    return _u32_arg(encap, "encap")


def _arp_mode(mode):
    if mode is None:
        return 0
    if isinstance(mode, (str, bytes)):
        name = mode.decode("utf-8", "replace") if isinstance(mode, bytes) else mode
        try:
            return _ARP_MODES[name.lower()]
        except KeyError:
            raise _invalid('arp_mode "%s": must be proxy or flood' % name) from None
    return _u32_arg(mode, "arp_mode")


class Policy(_Bound):
    """The policy compiler (struct contiv_policy, policy.h): Contiv's
    networks, groups, policies, rules, netprofiles and endpoints in, a
    decision table per direction out. Pure: no I/O, no privileges.

    Policy(ctx)

    Add objects, network tags and port mappings, then compile() once; the
    compiled program is read with to_json() or to_nft() and loaded into the
    kernel with Datapath.apply_policy(). Objects added are referenced, not
    copied: do not change them afterwards.
    """

    def __init__(self, ctx):
        _check_ctx(ctx)
        p = ctypes.c_void_p()
        ctx._call(_c.contiv_policy_new, ctx._ptr(), ctypes.byref(p))
        self._bind(ctx, p)
        self._objects = []
        self._cells = None

    def _release(self, p):
        _c.contiv_policy_unref(p)

    def add_object(self, obj):
        """Adds obj (an Object: network, group, policy, rule, netprofile or
        endpoint; other kinds are ignored). InvalidArgumentError if obj is
        not valid or the policy is compiled, ExistsError if an object of
        that kind and key was added already."""
        if not isinstance(obj, Object):
            raise TypeError("obj must be a contiv.Object, not %s" % type(obj).__name__)
        self._call(_c.contiv_policy_add_object, self._ptr(), obj._ptr())
        self._objects.append(obj)
        return self

    def add_objects(self, objects):
        for obj in objects:
            self.add_object(obj)
        return self

    def set_network_tag(self, network_key, encap, tag):
        """The allocated tag of network network_key ("tenant:network"):
        encap "vxlan" or "vlan" (or DP_VXLAN, DP_VLAN) and the VNI or VLAN
        id, which names the network's bridge."""
        self._call(_c.contiv_policy_set_network_tag, self._ptr(),
                   _text(network_key, "network_key"), _encap(encap), _u32_arg(tag, "tag"))
        return self

    def add_port_mapping(self, protocol, host_port, endpoint_ip, container_port):
        """A DNAT port mapping (as docker run -p): protocol "tcp" or "udp",
        host_port on the host's addresses to container_port of endpoint_ip.
        ExistsError if host_port/protocol is mapped already."""
        self._call(_c.contiv_policy_add_port_mapping, self._ptr(), _text(protocol, "protocol"),
                   _u32_arg(host_port, "host_port"), _text(endpoint_ip, "endpoint_ip"),
                   _u32_arg(container_port, "container_port"))
        return self

    def compile(self):
        """Resolves the references and builds the decision tables; returns
        the number of cells. InvalidArgumentError with the library's message
        naming a dangling reference."""
        self._cells = self._call(_c.contiv_policy_compile, self._ptr())
        return self._cells

    @property
    def cells(self):
        """The number of cells of the last compile(), None before."""
        return self._cells

    def to_json_text(self):
        """The compiled program as JSON text."""
        out = ctypes.c_void_p()
        self._call(_c.contiv_policy_to_json, self._ptr(), ctypes.byref(out))
        return _take_string(out)

    def to_json(self):
        """The compiled program as a dict: groups, members, rules, inCells,
        outCells, snat, bridges, dnat."""
        return json.loads(self.to_json_text())

    def to_nft(self):
        """The compiled program as an nft(8) script ("table inet contiv {
        ... }")."""
        out = ctypes.c_void_p()
        self._call(_c.contiv_policy_to_nft, self._ptr(), ctypes.byref(out))
        return _take_string(out)

    def __repr__(self):
        if self._p is None:
            return "<contiv.Policy closed>"
        state = "%d cells" % self._cells if self._cells is not None else "not compiled"
        return "<contiv.Policy %d objects, %s>" % (len(self._objects), state)


_ENDPOINT_STR_OPTS = ("id", "netns_path", "ifname", "mac", "ipv4_cidr", "gateway4",
                      "ipv6_cidr", "gateway6")
_IFNAMSIZ = 16


class Datapath(_Bound):
    """The Linux datapath of one host (struct contiv_dp, dp.h): bridges,
    VXLAN and VLAN devices, veth pairs, the nftables table "inet contiv" and
    shaping, in the network namespace it is created in. Needs CAP_NET_ADMIN;
    every call is idempotent. Closing it leaves the kernel state in place.

    Datapath(ctx, vtep_ip=None, vxlan_port=None, arp_mode=None,
             vxlan_dev=None, vlan_uplink=None)

    vtep_ip:     this host's VTEP address (IPv4)
    vxlan_port:  UDP port of VXLAN; None = 4789
    arp_mode:    "proxy" (default) or "flood" (or DP_ARP_PROXY, DP_ARP_FLOOD)
    vxlan_dev:   underlay device of VXLAN packets; None = routing chooses
    vlan_uplink: the device carrying VLAN networks
    """

    def __init__(self, ctx, vtep_ip=None, vxlan_port=None, arp_mode=None, vxlan_dev=None,
                 vlan_uplink=None):
        _check_ctx(ctx)
        opts = _DpOpts(sz=ctypes.sizeof(_DpOpts), arp_mode=_arp_mode(arp_mode))
        if vxlan_port is not None:
            opts.vxlan_port = _u32_arg(vxlan_port, "vxlan_port")
        keep = [_text(vtep_ip, "vtep_ip", optional=True),
                _text(vxlan_dev, "vxlan_dev", optional=True),
                _text(vlan_uplink, "vlan_uplink", optional=True)]
        opts.vtep_ip, opts.vxlan_dev, opts.vlan_uplink = keep
        p = ctypes.c_void_p()
        ctx._call(_c.contiv_dp_new, ctx._ptr(), ctypes.byref(opts), ctypes.byref(p))
        self._bind(ctx, p)

    def _release(self, p):
        _c.contiv_dp_unref(p)

    def network_add(self, encap, tag, gateway_cidr=None):
        """Creates (or repairs) the bridge and VXLAN/VLAN device of the
        network encap ("vxlan", "vlan") tag, with gateway_cidr
        ("10.1.2.254/24") on the bridge."""
        self._call(_c.contiv_dp_network_add, self._ptr(), _encap(encap), _u32_arg(tag, "tag"),
                   _text(gateway_cidr, "gateway_cidr", optional=True))

    def network_del(self, encap, tag):
        """Removes the network's bridge and devices (fine if absent);
        BusyError if local endpoints remain."""
        self._call(_c.contiv_dp_network_del, self._ptr(), _encap(encap), _u32_arg(tag, "tag"))

    def remote_add(self, tag, mac, ip, vtep_ip):
        """Points VXLAN network tag at a remote endpoint (mac, ip or None)
        on the host of vtep_ip."""
        self._call(_c.contiv_dp_remote_add, self._ptr(), _u32_arg(tag, "tag"),
                   _text(mac, "mac"), _text(ip, "ip", optional=True), _text(vtep_ip, "vtep_ip"))

    def remote_del(self, tag, mac, ip=None):
        self._call(_c.contiv_dp_remote_del, self._ptr(), _u32_arg(tag, "tag"),
                   _text(mac, "mac"), _text(ip, "ip", optional=True))

    def endpoint_add(self, **opts):
        """Plugs a container into a network; returns the host-side interface
        name ("cvh...").

        Keyword arguments, those of struct contiv_dp_endpoint_opts: encap
        ("vxlan", "vlan"), tag, mtu (0 = from the uplink), id, netns_path,
        ifname (None = "eth0"), mac, ipv4_cidr, gateway4, ipv6_cidr,
        gateway6; id, netns_path, mac, encap and tag are required."""
        c_opts = _DpEndpointOpts(sz=ctypes.sizeof(_DpEndpointOpts))
        keep = []
        for name, value in opts.items():
            if name == "encap":
                c_opts.encap = _encap(value)
            elif name in ("tag", "mtu"):
                setattr(c_opts, name, _u32_arg(value, name))
            elif name in _ENDPOINT_STR_OPTS:
                b = _text(value, name, optional=True)
                keep.append(b)
                setattr(c_opts, name, b)
            else:
                raise TypeError("endpoint_add() got an unexpected keyword argument %r" % name)
        buf = ctypes.create_string_buffer(_IFNAMSIZ)
        self._call(_c.contiv_dp_endpoint_add, self._ptr(), ctypes.byref(c_opts), buf, _IFNAMSIZ)
        return buf.value.decode("utf-8", "replace")

    def endpoint_del(self, id):
        """Removes the endpoint's veth pair, shaping and ifb (fine if
        absent)."""
        self._call(_c.contiv_dp_endpoint_del, self._ptr(), _text(id, "id"))

    def endpoint_set_qos(self, id, bits_per_sec, burst_bytes=0):
        """Sets, changes or (bits_per_sec 0) removes the bandwidth limit of
        local endpoint id; burst_bytes 0 = a default suited to the rate.
        bits_per_sec may also be text such as "10Mbps"."""
        if isinstance(bits_per_sec, (str, bytes)):
            bits_per_sec = bandwidth_parse(bits_per_sec, self._ctx)
        self._call(_c.contiv_dp_endpoint_set_qos, self._ptr(), _text(id, "id"),
                   _u64_arg(bits_per_sec, "bits_per_sec"), _u32_arg(burst_bytes, "burst_bytes"))

    def apply_policy(self, policy):
        """Replaces the "inet contiv" table with the compiled policy, in one
        transaction."""
        if not isinstance(policy, Policy):
            raise TypeError("policy must be a contiv.Policy, not %s" % type(policy).__name__)
        self._call(_c.contiv_dp_apply_policy, self._ptr(), policy._ptr())

    def read_counters(self):
        """The rule counters in the kernel: a list of RuleCounter(rule,
        group, packets, bytes). NotFoundError if no policy is applied."""
        items = []

        def on_counter(rule_key, group_key, packets, bytes_, userdata):
            items.append(RuleCounter(_dec(rule_key), _dec(group_key), packets, bytes_))
        cb = _Callback(on_counter)
        c_fn = _DP_RULE_COUNTER_FN(cb)      # alive until the call returns
        self._call_with(cb, _c.contiv_dp_read_counters, self._ptr(), c_fn, None)
        return items

    def read_state(self):
        """What libcontiv programmed in the kernel: a list of DpState(what,
        key, detail), detail a dict."""
        items = []

        def on_item(what, key, detail, userdata):
            text = _dec(detail)
            items.append(DpState(_dec(what), _dec(key), json.loads(text) if text else {}))
        cb = _Callback(on_item)
        c_fn = _DP_STATE_FN(cb)             # alive until the call returns
        self._call_with(cb, _c.contiv_dp_read_state, self._ptr(), c_fn, None)
        return items

    def __repr__(self):
        return "<contiv.Datapath%s>" % ("" if self._p is not None else " closed")


class Agent(_Bound):
    """One host's netplugin logic (struct contiv_agent, agent.h): follows
    netmaster's change stream through a Client and reconciles a Datapath
    with it; serves the local agent API (POST /attach, POST /portmap, POST
    /detach, GET /state).

    Agent(ctx, client, dp, host, vtep_ip, portmap_file=None, dns=False)

    host:         this host's name (endpoints' homingHost)
    vtep_ip:      this host's VTEP address as other hosts reach it
    portmap_file: where port mappings are kept across restarts (None: in
                  memory only)
    dns:          keep the built-in DNS's names (dns_answer()) and name the
                  gateway as DNS server in /attach answers (AGENT_DNS)
    """

    def __init__(self, ctx, client, dp, host, vtep_ip, portmap_file=None, dns=False):
        _check_ctx(ctx)
        if not isinstance(client, Client):
            raise TypeError("client must be a contiv.Client, not %s" % type(client).__name__)
        if not isinstance(dp, Datapath):
            raise TypeError("dp must be a contiv.Datapath, not %s" % type(dp).__name__)
        host_b = _text(host, "host")
        vtep_b = _text(vtep_ip, "vtep_ip")
        pm_b = None if portmap_file is None else _text(portmap_file, "portmap_file")
        if not isinstance(dns, bool):
            raise TypeError("dns must be bool")
        opts = _AgentOpts(sz=ctypes.sizeof(_AgentOpts), host=host_b, vtep_ip=vtep_b,
                          portmap_file=pm_b, flags=AGENT_DNS if dns else 0)
        p = ctypes.c_void_p()
        ctx._call(_c.contiv_agent_new, ctx._ptr(), client._ptr(), dp._ptr(), ctypes.byref(opts),
                  ctypes.byref(p))
        self._bind(ctx, p)
        self._client = client
        self._dp = dp

    def _release(self, p):
        _c.contiv_agent_unref(p)

    @property
    def client(self):
        return self._client

    @property
    def datapath(self):
        return self._dp

    def sync(self, timeout_ms=0):
        """Applies netmaster's next changes (waiting up to timeout_ms for
        one); returns how many were applied. UnavailableError if netmaster
        cannot be reached (the datapath is left as it is)."""
        return self._call(_c.contiv_agent_sync, self._ptr(),
                          _int_arg(timeout_ms, "timeout_ms", -2**31, _INT_MAX))

    def handle(self, method, path, body=None):
        """Serves one request of the agent API: method "GET" or "POST", path
        "/attach", "/portmap", "/detach" or "/state", body str, bytes, None or a value
        to send JSON-encoded. Returns (status, body_text); failures of the
        request are statuses (400, 404, 409, 503) with {"error", "status"}
        bodies."""
        data = _json_body(body)
        out = ctypes.c_void_p()
        status = self._call(_c.contiv_agent_handle, self._ptr(), _text(method, "method"),
                            _text(path, "path"), data, 0 if data is None else len(data),
                            ctypes.byref(out))
        return status, _take_string(out) or ""

    def dns_answer(self, ifname, query, tcp=False):
        """The built-in DNS's answer to query (bytes, a DNS message) that
        arrived on bridge ifname: the reply (bytes), or None when the name
        is not the tenant's (to be forwarded). NotFoundError if ifname is
        not one of the bridges; ContivError(EBADMSG) when no reply is due."""
        if not isinstance(query, (bytes, bytearray)):
            raise TypeError("query must be bytes")
        buf = ctypes.create_string_buffer(_AGENT_DNS_REPLY_MAX)
        n = ctypes.c_size_t(0)
        ret = self._call(_c.contiv_agent_dns_answer, self._ptr(), _text(ifname, "ifname"),
                         _AGENT_DNS_TCP if tcp else 0, bytes(query), len(query), buf,
                         _AGENT_DNS_REPLY_MAX, ctypes.byref(n))
        return buf.raw[:n.value] if ret == 1 else None

    def __repr__(self):
        return "<contiv.Agent%s>" % ("" if self._p is not None else " closed")
