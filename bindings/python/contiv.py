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
"""

import collections
import ctypes
import enum
import errno as _errno
import json
import os
import re

__all__ = [
    "AttrType", "Attribute", "BusyError", "Context", "ContivError",
    "ExhaustedError", "ExistsError", "ForkedError", "IdPool", "IpamPool",
    "InvalidArgumentError", "JSONError", "Kind", "NoMemoryError",
    "NotFoundError", "NotInPoolError", "NotPermittedError", "Object",
    "RangeError", "attributes", "bandwidth_format", "bandwidth_parse",
    "mac_from_ipv4", "strerror", "version",
    "ERR_JSON", "ERR_EXHAUSTED", "ERR_NOT_IN_POOL", "IPAM_ADDR_MAX",
    "JSON_PRETTY",
]

SONAME = "libcontiv.so.1"

# enum contiv_errno (error.h), ABI.
ERR_JSON = 4001
ERR_EXHAUSTED = 4002
ERR_NOT_IN_POOL = 4003

# enum contiv_json_flags (object.h).
JSON_PRETTY = 1 << 0

# CONTIV_IPAM_ADDR_MAX (ipam.h): any address text the IPAM functions write.
IPAM_ADDR_MAX = 46
_MAC_MAX = 18
_BANDWIDTH_MAX = 32   # "18446744073709551615bps" and its NUL fit
_U32_MAX = 0xFFFFFFFF


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


_ERROR_CLASSES = {
    _errno.EINVAL: InvalidArgumentError,
    _errno.ENOENT: NotFoundError,
    _errno.EEXIST: ExistsError,
    _errno.EPERM: NotPermittedError,
    _errno.EBUSY: BusyError,
    _errno.ERANGE: RangeError,
    _errno.ENOMEM: NoMemoryError,
    _errno.ECHILD: ForkedError,
    ERR_JSON: JSONError,
    ERR_EXHAUSTED: ExhaustedError,
    ERR_NOT_IN_POOL: NotInPoolError,
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
