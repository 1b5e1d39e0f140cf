# SPDX-License-Identifier: LGPL-2.1-or-later
"""Tests of the Python binding (bindings/python/contiv.py) against the built
libcontiv. Run by tests/python/run-tests.sh (make check)."""

import copy
import errno
import gc
import json
import os
import re
import unittest
import weakref

import contiv


def _top_srcdir():
    return os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..", "..")


def _network(ctx, **extra):
    attrs = dict(tenantName="default", networkName="contiv-net",
                 subnet="10.1.2.0/24", gateway="10.1.2.254")
    attrs.update(extra)
    return contiv.Object(ctx, "network", **attrs)


def _rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


class TestLibrary(unittest.TestCase):
    def test_loaded_by_soname(self):
        if not os.environ.get("LIBCONTIV_SO"):
            self.assertEqual(contiv._lib_name, "libcontiv.so.1")

    def test_every_exported_symbol_is_declared(self):
        with open(os.path.join(_top_srcdir(), "libcontiv", "libcontiv.sym")) as f:
            text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
        exported = set(re.findall(r"\b(contiv_\w+);", text))
        self.assertTrue(exported)
        self.assertEqual(exported - set(contiv._PROTOTYPES), set())
        self.assertEqual(set(contiv._PROTOTYPES) - exported, set())

    def test_every_declared_function_is_present_and_typed(self):
        missing = contiv.missing_symbols()
        for name, (restype, argtypes) in contiv._PROTOTYPES.items():
            fn = getattr(contiv._c, name)
            if name in missing:
                self.assertIsInstance(fn, contiv._MissingSymbol)
                continue
            self.assertIs(fn.restype, restype, name)
            self.assertEqual(fn.argtypes, argtypes, name)
        self.assertEqual(missing, [])

    def test_all_names_exist(self):
        for name in contiv.__all__:
            self.assertTrue(hasattr(contiv, name), name)
        for name in ("Store", "Txn", "Master", "Client", "KeyValue", "Event",
                     "ConflictError", "CompactedError", "UnavailableError",
                     "Policy", "Datapath", "Agent", "RuleCounter", "DpState",
                     "NotSupportedError"):
            self.assertIn(name, contiv.__all__)

    def test_missing_symbol_raises(self):
        fn = contiv._MissingSymbol("contiv_nothing")
        with self.assertRaises(NotImplementedError) as cm:
            fn(1, 2)
        self.assertIn("undefined symbol: contiv_nothing", str(cm.exception))

    def test_version(self):
        self.assertRegex(contiv.version(), r"^\d+\.\d+\.\d+$")
        with open(os.path.join(_top_srcdir(), "configure.ac")) as f:
            m = re.search(r"AC_INIT\(\[libcontiv\], \[([^]]+)\]", f.read())
        self.assertEqual(contiv.version(), m.group(1))


class TestContextAndErrors(unittest.TestCase):
    def test_defaults(self):
        with contiv.Context() as ctx:
            self.assertEqual(ctx.log_priority, 3)
            self.assertEqual(ctx.error, "")
            self.assertEqual(ctx.errno, 0)

    def test_log_priority(self):
        self.assertEqual(contiv.Context(log_priority=7).log_priority, 7)
        self.assertEqual(contiv.Context(log_priority=0).log_priority, 0)
        ctx = contiv.Context()
        ctx.log_priority = 6
        self.assertEqual(ctx.log_priority, 6)
        for bad in (8, -1, 2**40):
            with self.assertRaises(contiv.InvalidArgumentError) as cm:
                ctx.log_priority = bad
            self.assertEqual(cm.exception.errno, errno.EINVAL)
            self.assertIsInstance(cm.exception, ValueError)
            self.assertIsInstance(cm.exception, contiv.ContivError)
        self.assertEqual(ctx.log_priority, 6)
        with self.assertRaises(contiv.InvalidArgumentError):
            contiv.Context(log_priority=8)
        with self.assertRaises(TypeError):
            contiv.Context(log_priority="7")

    def test_error_without_library_message_uses_strerror(self):
        ctx = contiv.Context()
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            ctx.log_priority = 8
        self.assertEqual(cm.exception.message, os.strerror(errno.EINVAL))
        self.assertEqual(str(cm.exception), cm.exception.message)

    def test_strerror(self):
        self.assertEqual(contiv.strerror(contiv.ERR_EXHAUSTED),
                         "Pool exhausted: nothing left to allocate")
        self.assertEqual(contiv.strerror(-contiv.ERR_JSON),
                         "Malformed JSON or JSON value of the wrong type")
        self.assertEqual(contiv.strerror(contiv.ERR_NOT_IN_POOL), "Address or id outside the pool")
        self.assertEqual(contiv.strerror(contiv.ERR_CONFLICT),
                         "Conflict: the data changed meanwhile")
        self.assertEqual(contiv.strerror(-contiv.ERR_COMPACTED),
                         "Revision compacted: a full resync is needed")
        self.assertEqual(contiv.strerror(contiv.ERR_UNAVAILABLE), "State store unavailable")
        self.assertEqual(contiv.strerror(-errno.ENOENT), os.strerror(errno.ENOENT))
        self.assertEqual(contiv.strerror(4999), "Unknown libcontiv error 4999")

    def test_error_classes(self):
        cases = {
            errno.EINVAL: contiv.InvalidArgumentError, errno.ENOENT: contiv.NotFoundError,
            errno.EEXIST: contiv.ExistsError, errno.EPERM: contiv.NotPermittedError,
            errno.EBUSY: contiv.BusyError, errno.ERANGE: contiv.RangeError,
            errno.ENOMEM: contiv.NoMemoryError, errno.ECHILD: contiv.ForkedError,
            contiv.ERR_JSON: contiv.JSONError, contiv.ERR_EXHAUSTED: contiv.ExhaustedError,
            contiv.ERR_NOT_IN_POOL: contiv.NotInPoolError,
            contiv.ERR_CONFLICT: contiv.ConflictError,
            contiv.ERR_COMPACTED: contiv.CompactedError,
            contiv.ERR_UNAVAILABLE: contiv.UnavailableError, errno.EIO: contiv.ContivError,
            errno.EOPNOTSUPP: contiv.NotSupportedError,
        }
        self.assertEqual((contiv.ERR_CONFLICT, contiv.ERR_COMPACTED, contiv.ERR_UNAVAILABLE),
                         (4004, 4005, 4006))
        for code, cls in cases.items():
            e = contiv._make_error(-code)
            self.assertIs(type(e), cls)
            self.assertEqual(e.errno, code)
            self.assertEqual(e.message, contiv.strerror(code))

    def test_closed(self):
        ctx = contiv.Context()
        ctx.close()
        ctx.close()
        with self.assertRaises(ValueError):
            ctx.log_priority
        with self.assertRaises(ValueError):
            contiv.Object(ctx, "tenant")
        self.assertIn("closed", repr(ctx))

    def test_fork(self):
        ctx = contiv.Context()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                ctx.log_priority = 5
            except contiv.ForkedError as e:
                code = 0 if e.errno == errno.ECHILD else 2
            except BaseException:
                code = 3
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0)
        ctx.log_priority = 5

    def test_set_log_fn(self):
        ctx = contiv.Context()
        ctx.set_log_fn(lambda *args: None)
        ctx.set_log_fn(None)
        with self.assertRaises(TypeError):
            ctx.set_log_fn(42)

    def test_log_fn_receives_error_messages(self):
        records = []
        ctx = contiv.Context(log_priority=7,
                             log_fn=lambda *rec: records.append(rec))
        gc.collect()    # the trampoline must be kept alive by ctx
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            _network(ctx, subnet="10.1.2.0/33")
        self.assertTrue(records)
        priority, file, line, function, message = records[-1]
        self.assertEqual(priority, 7)
        self.assertIsInstance(file, str)
        self.assertIsInstance(line, int)
        self.assertIsInstance(function, str)
        self.assertIn(cm.exception.message, message)
        ctx.set_log_fn(None)
        n = len(records)
        with self.assertRaises(contiv.InvalidArgumentError):
            _network(ctx, subnet="10.1.2.0/33")
        self.assertEqual(len(records), n)

    def test_exception_carries_library_message(self):
        ctx = contiv.Context()
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            _network(ctx, subnet="10.1.2.0/33")
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        self.assertEqual(cm.exception.message,
                         'network "contiv-net": subnet "10.1.2.0/33": prefix length must be 1..32')
        self.assertEqual(ctx.error, cm.exception.message)
        self.assertEqual(ctx.errno, errno.EINVAL)
        ctx.clear_error()
        self.assertEqual(ctx.error, "")

    def test_stale_message_is_not_reused(self):
        ctx = contiv.Context()
        with self.assertRaises(contiv.InvalidArgumentError):
            _network(ctx, subnet="10.1.2.0/33")
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            ctx.log_priority = 9
        self.assertEqual(cm.exception.message, os.strerror(errno.EINVAL))


class TestAttributes(unittest.TestCase):
    def test_tables_from_library(self):
        S, U = contiv.AttrType.STR, contiv.AttrType.U32
        self.assertEqual([(a.name, a.type) for a in contiv.attributes(contiv.Kind.NETWORK)], [
            ("tenantName", S), ("networkName", S), ("nwType", S), ("encap", S),
            ("pktTag", U), ("subnet", S), ("gateway", S), ("ipv6Subnet", S),
            ("ipv6Gateway", S), ("cfgdTag", S)])
        self.assertEqual([a.name for a in contiv.attributes("rule")], [
            "tenantName", "policyName", "ruleId", "direction", "priority", "protocol", "port",
            "fromEndpointGroup", "toEndpointGroup", "fromNetwork", "toNetwork",
            "fromIpAddress", "toIpAddress", "action"])
        counts = {contiv.Kind.TENANT: 2, contiv.Kind.NETWORK: 10, contiv.Kind.GROUP: 8,
                  contiv.Kind.POLICY: 2, contiv.Kind.RULE: 14, contiv.Kind.NETPROFILE: 5,
                  contiv.Kind.ENDPOINT: 12, contiv.Kind.GLOBAL: 7}
        for kind, n in counts.items():
            self.assertEqual(len(contiv.attributes(kind)), n, kind)

    def test_generated_enums(self):
        self.assertEqual(contiv.NetworkAttr.SUBNET, 5)
        self.assertEqual(contiv.NetworkAttr.SUBNET.json_name, "subnet")
        self.assertEqual(contiv.NetworkAttr.IPV6_GATEWAY, 8)
        self.assertEqual(contiv.RuleAttr.PRIORITY.type, contiv.AttrType.U32)
        self.assertEqual(contiv.GroupAttr.POLICIES.type, contiv.AttrType.LIST)
        self.assertEqual(contiv.GroupAttr.EXT_CONTRACTS_GRPS, 7)
        self.assertEqual(contiv.NetprofileAttr.DSCP, 3)
        self.assertEqual(contiv.EndpointAttr.VTEP_IP, 11)
        self.assertEqual(contiv.GlobalAttr.PVT_SUBNET, 6)
        self.assertEqual(contiv.TenantAttr.DEFAULT_NETWORK, 1)
        self.assertEqual(contiv.PolicyAttr.POLICY_NAME, 1)
        self.assertIs(contiv.NetworkAttr.kind, contiv.Kind.NETWORK)

    def test_kinds(self):
        ctx = contiv.Context()
        names = ["tenant", "network", "group", "policy", "rule", "netprofile", "endpoint",
                 "global"]
        collections = ["tenants", "networks", "endpointGroups", "policys", "rules",
                       "netprofiles", "endpoints", "globals"]
        for value, (name, coll) in enumerate(zip(names, collections), 1):
            for spec in (value, contiv.Kind(value), name, coll):
                obj = contiv.Object(ctx, spec)
                self.assertIs(obj.kind, contiv.Kind(value))
                self.assertEqual(obj.kind_name, name)
                self.assertEqual(obj.collection, coll)
        for bad in (0, 9, "nosuch", 2**40):
            with self.assertRaises(contiv.InvalidArgumentError):
                contiv.Object(ctx, bad)
        with self.assertRaises(TypeError):
            contiv.Object(ctx, 2.0)


class TestObject(unittest.TestCase):
    def setUp(self):
        self.ctx = contiv.Context()

    def test_defaults(self):
        net = contiv.Object(self.ctx, "network")
        self.assertEqual(net.get("nwType"), "data")
        self.assertEqual(net.get("encap"), "vxlan")
        self.assertIsNone(net.get("subnet"))
        self.assertEqual(net.get("subnet", "none"), "none")
        self.assertEqual(contiv.Object(self.ctx, "rule").get("priority"), 1)
        glob = contiv.Object(self.ctx, "global")
        self.assertEqual(glob.to_dict(), {
            "name": "global", "networkInfraType": "default", "vlans": "1-4094",
            "vxlans": "1-10000", "fwdMode": "bridge", "arpMode": "proxy",
            "pvtSubnet": "172.19.0.0/16"})
        self.assertEqual(glob.key, "global")

    def test_set_get_str(self):
        net = _network(self.ctx)
        self.assertEqual(net.get("subnet"), "10.1.2.0/24")
        self.assertEqual(net.get(contiv.NetworkAttr.GATEWAY), "10.1.2.254")
        self.assertEqual(net.get(6), "10.1.2.254")
        self.assertEqual(net["networkName"], "contiv-net")
        net["encap"] = "vlan"
        self.assertEqual(net.get("encap"), "vlan")
        self.assertTrue(net.is_set("encap"))
        self.assertIn("encap", net)
        with self.assertRaises(TypeError):
            net.set("subnet", 24)

    def test_failed_set_leaves_object_unchanged(self):
        net = _network(self.ctx)
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            net.set("encap", "gre")
        self.assertIn("gre", cm.exception.message)
        self.assertEqual(net.get("encap"), "vxlan")
        with self.assertRaises(contiv.InvalidArgumentError):
            net.set("subnet", "10.1.2.0/33")
        self.assertEqual(net.get("subnet"), "10.1.2.0/24")

    def test_u32(self):
        rule = contiv.Object(self.ctx, "rule")
        rule.set("priority", 7)
        self.assertEqual(rule.get("priority"), 7)
        rule.set("priority", "42")
        self.assertEqual(rule.get("priority"), 42)
        rule.set_text(contiv.RuleAttr.PORT, "8080")
        self.assertEqual(rule.get("port"), 8080)
        self.assertIsNone(contiv.Object(self.ctx, "rule").get("port"))
        for bad in (0, 101, 2**32, -1, "101", "+5", "5x", "-1"):
            with self.assertRaises(contiv.InvalidArgumentError, msg=repr(bad)):
                rule.set("priority", bad)
        self.assertEqual(rule.get("priority"), 42)
        with self.assertRaises(TypeError):
            rule.set("priority", True)
        with self.assertRaises(TypeError):
            rule.set("priority", 4.0)
        prof = contiv.Object(self.ctx, "netprofile")
        prof.set("DSCP", 63)
        with self.assertRaises(contiv.InvalidArgumentError):
            prof.set("DSCP", 64)
        prof.set("burst", 0)
        with self.assertRaises(contiv.InvalidArgumentError):
            prof.set("burst", 1)

    def test_unset(self):
        net = _network(self.ctx)
        net.unset("gateway")
        self.assertFalse(net.is_set("gateway"))
        self.assertIsNone(net.get("gateway"))
        net.unset("gateway")
        net.set("subnet", None)
        self.assertFalse(net.is_set("subnet"))
        del net["encap"]
        self.assertNotIn("encap", net)
        with self.assertRaises(KeyError):
            net["encap"]

    def test_lists(self):
        grp = contiv.Object(self.ctx, "group", tenantName="default", groupName="web",
                            networkName="contiv-net")
        self.assertIsNone(grp.get("policies"))
        self.assertFalse(grp.is_set("policies"))
        grp.set("policies", [])
        self.assertTrue(grp.is_set("policies"))
        self.assertEqual(grp.get("policies"), [])
        grp.set("policies", ["p1", "p2"])
        self.assertEqual(grp.get("policies"), ["p1", "p2"])
        self.assertTrue(grp.list_add("policies", "p3"))
        self.assertFalse(grp.list_add("policies", "p1"))
        self.assertEqual(grp.get(contiv.GroupAttr.POLICIES), ["p1", "p2", "p3"])
        grp.list_del("policies", "p2")
        self.assertEqual(grp.get("policies"), ["p1", "p3"])
        with self.assertRaises(contiv.NotFoundError):
            grp.list_del("policies", "p2")
        grp.set("policies", "a,b")
        self.assertEqual(grp.get("policies"), ["a", "b"])
        grp.set("extContractsGrps", ("c1",))
        self.assertEqual(grp.get("extContractsGrps"), ["c1"])
        with self.assertRaises(contiv.InvalidArgumentError):
            grp.set("policies", ["ok", "x,y"])
        with self.assertRaises(TypeError):
            grp.set("policies", 5)
        self.assertEqual(grp.get("policies"), ["a", "b"])
        grp.unset("policies")
        self.assertIsNone(grp.get("policies"))

    def test_attribute_errors(self):
        net = _network(self.ctx)
        with self.assertRaises(contiv.NotFoundError) as cm:
            net.get("nosuch")
        self.assertIn("nosuch", cm.exception.message)
        with self.assertRaises(contiv.InvalidArgumentError):
            net.get(10)
        with self.assertRaises(contiv.InvalidArgumentError):
            net.get(contiv.RuleAttr.PORT)     # 6 is gateway in a network
        with self.assertRaises(TypeError):
            net.get(1.5)

    def test_keys(self):
        ctx = self.ctx
        self.assertEqual(contiv.Object(ctx, "tenant", tenantName="t1").key, "t1")
        self.assertEqual(_network(ctx).key, "default:contiv-net")
        self.assertEqual(contiv.Object(ctx, "rule", tenantName="t", policyName="p",
                                       ruleId="1").key, "t:p:1")
        self.assertEqual(contiv.Object(ctx, "netprofile", tenantName="t",
                                       profileName="gold").key, "t:gold")
        self.assertEqual(contiv.Object(ctx, "endpoint", endpointID="abc").key, "abc")
        self.assertIsNone(contiv.Object(ctx, "network", tenantName="t").key)
        self.assertIn("default:contiv-net", repr(_network(ctx)))

    def test_validate(self):
        net = _network(self.ctx)
        net.validate()
        self.assertTrue(net.is_valid())
        net.set("gateway", "10.9.9.9")
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            net.validate()
        self.assertIn("10.9.9.9", cm.exception.message)
        self.assertFalse(net.is_valid())
        rule = contiv.Object(self.ctx, "rule", tenantName="t", policyName="p", ruleId="1",
                             action="allow")
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            rule.validate()
        self.assertIn("direction", cm.exception.message)
        rule.set("direction", "in")
        rule.validate()

    def test_json(self):
        net = _network(self.ctx, pktTag=100)
        text = net.to_json()
        d = json.loads(text)
        self.assertEqual(d, {"tenantName": "default", "networkName": "contiv-net",
                             "nwType": "data", "encap": "vxlan", "pktTag": 100,
                             "subnet": "10.1.2.0/24", "gateway": "10.1.2.254"})
        self.assertEqual(net.to_dict(), d)
        pretty = net.to_json(pretty=True)
        self.assertIn('\n  "', pretty)
        self.assertEqual(json.loads(pretty), d)
        back = contiv.Object.from_json(self.ctx, "network", text)
        self.assertEqual(back, net)
        self.assertEqual(back.to_json(), text)
        self.assertEqual(contiv.Object.from_json(self.ctx, contiv.Kind.NETWORK, d), net)
        self.assertEqual(contiv.Object.from_json(self.ctx, "networks", text.encode()), net)
        grp = contiv.Object(self.ctx, "group", tenantName="t", groupName="g",
                            networkName="n", policies=["a", "b"])
        self.assertEqual(grp.to_dict()["policies"], ["a", "b"])
        self.assertEqual(contiv.Object.from_json(self.ctx, "group", grp.to_json()), grp)

    def test_json_errors(self):
        ctx = self.ctx
        with self.assertRaises(contiv.JSONError) as cm:
            contiv.Object.from_json(ctx, "network", "{not json")
        self.assertEqual(cm.exception.errno, contiv.ERR_JSON)
        with self.assertRaises(contiv.JSONError):
            contiv.Object.from_json(ctx, "network", "[]")
        with self.assertRaises(contiv.JSONError):
            contiv.Object.from_json(ctx, "rule", {"priority": "5"})
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            contiv.Object.from_json(ctx, "network", {"bogus": "x"})
        self.assertIn("bogus", cm.exception.message)
        with self.assertRaises(contiv.InvalidArgumentError):
            contiv.Object.from_json(ctx, "network", {"subnet": "10.1.2.0/33"})
        obj = contiv.Object.from_json(ctx, "network", {"networkName": "n", "key": "x:n",
                                                       "link-sets": {}, "links": {},
                                                       "gateway": None})
        self.assertEqual(obj.get("networkName"), "n")
        self.assertFalse(obj.is_set("gateway"))

    def test_equal_and_dup(self):
        a = _network(self.ctx)
        b = _network(self.ctx)
        self.assertEqual(a, b)
        self.assertFalse(a != b)
        c = a.dup()
        self.assertEqual(a, c)
        self.assertIsNot(a, c)
        c.set("gateway", "10.1.2.1")
        self.assertNotEqual(a, c)
        self.assertEqual(a.get("gateway"), "10.1.2.254")
        self.assertEqual(copy.copy(a), a)
        self.assertEqual(copy.deepcopy(a), a)
        self.assertNotEqual(a, contiv.Object(self.ctx, "tenant"))
        self.assertNotEqual(a, "network")
        with self.assertRaises(TypeError):
            hash(a)
        # an object from another context compares by value too
        self.assertEqual(a, _network(contiv.Context()))

    def test_object_keeps_context_alive(self):
        ctx = contiv.Context()
        net = _network(ctx)
        pool = contiv.IpamPool(ctx, "10.1.1.0/24")
        ctx.close()
        del ctx
        gc.collect()
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            net.set("subnet", "10.1.2.0/33")
        self.assertIn("prefix length", cm.exception.message)
        self.assertEqual(net.dup(), net)
        child = pool.carve("10.1.1.10-10.1.1.20")
        self.assertEqual(child.alloc(), "10.1.1.10")
        with self.assertRaises(contiv.ExistsError) as cm:
            pool.carve("10.1.1.15")
        self.assertTrue(cm.exception.message)

    def test_close(self):
        net = _network(self.ctx)
        with net:
            pass
        net.close()
        with self.assertRaises(ValueError):
            net.get("subnet")
        self.assertIn("closed", repr(net))


class TestBandwidth(unittest.TestCase):
    def test_parse(self):
        cases = {"500Kbps": 500000, "10 Gbps": 10 * 10**9, "4g": 4 * 10**9,
                 "5Gb": 5 * 10**9, "1mbps": 10**6, "3 M": 3 * 10**6}
        for text, value in cases.items():
            self.assertEqual(contiv.bandwidth_parse(text), value, text)
        ctx = contiv.Context()
        self.assertEqual(contiv.bandwidth_parse("1k", ctx), 1000)
        for bad in ("0 Gbps", "Gbps", " 10 Gbps", "10 ms", "010k", ""):
            with self.assertRaises(contiv.InvalidArgumentError, msg=bad):
                contiv.bandwidth_parse(bad, ctx)
        with self.assertRaises(contiv.InvalidArgumentError):
            contiv.bandwidth_parse("99999999999999999999g")

    def test_format(self):
        cases = {500000: "500Kbps", 1500000: "1500Kbps", 10**9: "1Gbps", 2 * 10**6: "2Mbps",
                 1234: "1234bps", 2**64 - 1: "18446744073709551615bps"}
        for value, text in cases.items():
            self.assertEqual(contiv.bandwidth_format(value), text)
        with self.assertRaises(contiv.InvalidArgumentError):
            contiv.bandwidth_format(2**64)
        with self.assertRaises(TypeError):
            contiv.bandwidth_format("1k")

    def test_round_trip(self):
        for text in ("500Kbps", "10Gbps", "7Mbps"):
            self.assertEqual(contiv.bandwidth_format(contiv.bandwidth_parse(text)), text)


class TestIpamPool(unittest.TestCase):
    def setUp(self):
        self.ctx = contiv.Context()

    def test_alloc_order_and_release(self):
        pool = contiv.IpamPool(self.ctx, "10.1.1.0/24", "10.1.1.254")
        self.assertEqual(pool.family, 4)
        self.assertEqual(pool.prefix_len, 24)
        self.assertEqual(pool.count_allocated, 1)
        self.assertEqual(pool.count_available, 253)
        self.assertEqual([pool.alloc() for _ in range(3)], ["10.1.1.1", "10.1.1.2", "10.1.1.3"])
        self.assertEqual(pool.alloc("10.1.1.10"), "10.1.1.10")
        pool.release("10.1.1.2")
        self.assertEqual(pool.alloc(), "10.1.1.2")
        self.assertTrue(pool.is_allocated("10.1.1.10"))
        self.assertIn("10.1.1.254", pool)
        self.assertFalse(pool.is_allocated("10.1.1.11"))
        self.assertEqual(pool.count_allocated, 5)
        self.assertEqual(pool.count_available, 249)
        self.assertEqual(pool.allocated, "10.1.1.1-10.1.1.3, 10.1.1.10, 10.1.1.254")
        self.assertEqual(pool.available, "10.1.1.4-10.1.1.9, 10.1.1.11-10.1.1.253")

    def test_alloc_errors(self):
        pool = contiv.IpamPool(self.ctx, "10.1.1.0/24", "10.1.1.254")
        pool.alloc("10.1.1.5")
        with self.assertRaises(contiv.ExistsError):
            pool.alloc("10.1.1.5")
        with self.assertRaises(contiv.ExistsError):
            pool.alloc("10.1.1.254")
        for outside in ("10.2.0.1", "10.1.1.0", "10.1.1.255"):
            with self.assertRaises(contiv.NotInPoolError, msg=outside) as cm:
                pool.alloc(outside)
            self.assertEqual(cm.exception.errno, contiv.ERR_NOT_IN_POOL)
        with self.assertRaises(contiv.InvalidArgumentError):
            pool.alloc("10.1.1")
        with self.assertRaises(contiv.NotFoundError):
            pool.release("10.1.1.6")
        with self.assertRaises(contiv.NotPermittedError):
            pool.release("10.1.1.254")
        with self.assertRaises(contiv.NotInPoolError):
            pool.is_allocated("192.168.0.1")

    def test_exhaustion(self):
        pool = contiv.IpamPool(self.ctx, "10.1.1.0/30")
        self.assertEqual([pool.alloc(), pool.alloc()], ["10.1.1.1", "10.1.1.2"])
        with self.assertRaises(contiv.ExhaustedError) as cm:
            pool.alloc()
        self.assertEqual(cm.exception.errno, contiv.ERR_EXHAUSTED)
        self.assertTrue(cm.exception.message)
        self.assertEqual(pool.count_available, 0)
        self.assertEqual(pool.available, "")

    def test_range_subnet(self):
        pool = contiv.IpamPool(self.ctx, "10.1.1.10-10.1.1.12/24", "10.1.1.11")
        self.assertEqual([pool.alloc(), pool.alloc()], ["10.1.1.10", "10.1.1.12"])
        with self.assertRaises(contiv.ExhaustedError):
            pool.alloc()
        with self.assertRaises(contiv.NotInPoolError):
            pool.alloc("10.1.1.20")

    def test_bad_subnet(self):
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            contiv.IpamPool(self.ctx, "10.1.1.0/33")
        self.assertIn("10.1.1.0/33", cm.exception.message)
        self.assertEqual(self.ctx.error, cm.exception.message)
        with self.assertRaises(contiv.InvalidArgumentError):
            contiv.IpamPool(self.ctx, "10.1.1.0/24", "10.2.0.1")
        with self.assertRaises(contiv.InvalidArgumentError):
            contiv.IpamPool(self.ctx, "10.1.1.0/24", "2001:db8::1")

    def test_carve(self):
        parent = contiv.IpamPool(self.ctx, "10.1.1.0/24", "10.1.1.254")
        child = parent.carve("10.1.1.100-10.1.1.102")
        self.assertIsInstance(child, contiv.IpamPool)
        self.assertTrue(parent.is_allocated("10.1.1.101"))
        self.assertEqual(parent.count_allocated, 4)
        self.assertEqual(parent.allocated, "10.1.1.100-10.1.1.102, 10.1.1.254")
        with self.assertRaises(contiv.NotPermittedError):
            parent.release("10.1.1.100")
        with self.assertRaises(contiv.ExistsError):
            parent.carve("10.1.1.102-10.1.1.110")
        with self.assertRaises(contiv.NotInPoolError):
            parent.carve("10.1.2.1-10.1.2.5")
        self.assertEqual([child.alloc() for _ in range(3)],
                         ["10.1.1.100", "10.1.1.101", "10.1.1.102"])
        with self.assertRaises(contiv.ExhaustedError):
            child.alloc()
        single = parent.carve("10.1.1.50")
        self.assertEqual(single.alloc(), "10.1.1.50")
        parent.close()
        child.release("10.1.1.101")     # independent of its parent
        self.assertEqual(child.alloc(), "10.1.1.101")

    def test_uncarve(self):
        parent = contiv.IpamPool(self.ctx, "10.1.1.0/24")
        parent.carve("10.1.1.100-10.1.1.109").close()
        parent.uncarve("10.1.1.100-10.1.1.109")
        self.assertFalse(parent.is_allocated("10.1.1.105"))
        with self.assertRaises(contiv.NotFoundError):
            parent.uncarve("10.1.1.100-10.1.1.109")

    def test_json_round_trip(self):
        pool = contiv.IpamPool(self.ctx, "10.1.1.0/24", "10.1.1.254")
        pool.carve("10.1.1.100-10.1.1.109")
        for _ in range(5):
            pool.alloc()
        pool.release("10.1.1.3")
        d = pool.to_dict()
        self.assertEqual(d["subnet"], "10.1.1.0/24")
        self.assertEqual(d["gateway"], "10.1.1.254")
        self.assertEqual(d["carved"], ["10.1.1.100-10.1.1.109"])
        # "allocated" may or may not repeat the gateway and carved ranges,
        # which have their own fields
        self.assertTrue(d["allocated"].startswith("10.1.1.1-10.1.1.2, 10.1.1.4-10.1.1.5"),
                        d["allocated"])
        back = contiv.IpamPool.from_json(self.ctx, pool.to_json())
        self.assertEqual(back.to_json(), pool.to_json())
        self.assertEqual(back.allocated, pool.allocated)
        self.assertEqual(back.count_available, pool.count_available)
        self.assertEqual(back.alloc(), "10.1.1.3")
        back.uncarve("10.1.1.100-10.1.1.109")
        self.assertEqual(contiv.IpamPool.from_json(self.ctx, d).allocated, pool.allocated)
        with self.assertRaises(contiv.JSONError):
            contiv.IpamPool.from_json(self.ctx, "{")
        with self.assertRaises(contiv.JSONError):
            contiv.IpamPool.from_json(self.ctx, "[1]")

    def test_ipv6(self):
        pool = contiv.IpamPool(self.ctx, "2001:db8::/64", "2001:db8::ffff")
        self.assertEqual(pool.family, 6)
        self.assertEqual(pool.prefix_len, 64)
        self.assertEqual([pool.alloc(), pool.alloc()], ["2001:db8::1", "2001:db8::2"])
        self.assertTrue(pool.is_allocated("2001:db8::ffff"))
        long_addr = "2001:db8:1234:5678:9abc:def0:1234:5678"
        big = contiv.IpamPool(self.ctx, "2001:db8:1234:5678::/64")
        self.assertEqual(big.alloc("2001:db8:1234:5678::abc"), "2001:db8:1234:5678::abc")
        with self.assertRaises(contiv.NotInPoolError):
            big.alloc(long_addr)    # beyond the first 2^24 host ids
        with self.assertRaises(contiv.InvalidArgumentError):
            pool.carve("2001:db8::10-2001:db8::20")

    def test_mac(self):
        self.assertEqual(contiv.mac_from_ipv4("10.1.2.3"), "02:02:0a:01:02:03")
        self.assertEqual(contiv.mac_from_ipv4("255.255.255.255"), "02:02:ff:ff:ff:ff")
        for bad in ("10.1.2", "10.1.2.256", "", "2001:db8::1"):
            with self.assertRaises(contiv.InvalidArgumentError, msg=bad):
                contiv.mac_from_ipv4(bad)


class TestIdPool(unittest.TestCase):
    def setUp(self):
        self.ctx = contiv.Context()

    def test_alloc_release(self):
        pool = contiv.IdPool(self.ctx, "1-4094")
        self.assertEqual([pool.alloc(), pool.alloc()], [1, 2])
        self.assertEqual(pool.alloc(100), 100)
        self.assertEqual(pool.count_allocated, 3)
        self.assertEqual(pool.allocated, "1-2, 100")
        self.assertTrue(pool.is_allocated(100))
        self.assertIn(2, pool)
        self.assertFalse(pool.is_allocated(3))
        with self.assertRaises(contiv.ExistsError):
            pool.alloc(100)
        with self.assertRaises(contiv.NotInPoolError):
            pool.alloc(5000)
        with self.assertRaises(contiv.NotInPoolError):
            pool.is_allocated(4095)
        pool.release(2)
        with self.assertRaises(contiv.NotFoundError):
            pool.release(2)
        self.assertEqual(pool.alloc(), 2)
        with self.assertRaises(contiv.InvalidArgumentError):
            pool.alloc(2**32)
        with self.assertRaises(TypeError):
            pool.alloc("5")

    def test_exhaustion(self):
        pool = contiv.IdPool(self.ctx, "7-8")
        self.assertEqual([pool.alloc(), pool.alloc()], [7, 8])
        with self.assertRaises(contiv.ExhaustedError):
            pool.alloc()

    def test_set_range(self):
        pool = contiv.IdPool(self.ctx, "1-4094")
        pool.alloc(100)
        with self.assertRaises(contiv.BusyError) as cm:
            pool.set_range("1-50")
        self.assertIn("100", cm.exception.message)
        pool.set_range("50-200")
        self.assertEqual(pool.alloc(), 50)
        with self.assertRaises(contiv.InvalidArgumentError):
            pool.set_range("200-100")

    def test_bad_range(self):
        for bad in ("", "1", "5-1", "1-16777216", "a-b"):
            with self.assertRaises(contiv.InvalidArgumentError, msg=bad):
                contiv.IdPool(self.ctx, bad)

    def test_json_round_trip(self):
        pool = contiv.IdPool(self.ctx, "1-10000")
        for want in (1, 2, 3, 7):
            pool.alloc(want)
        self.assertEqual(pool.to_dict(), {"range": "1-10000", "allocated": "1-3, 7"})
        back = contiv.IdPool.from_json(self.ctx, pool.to_json())
        self.assertEqual(back.allocated, "1-3, 7")
        self.assertEqual(back.alloc(), 4)
        self.assertEqual(contiv.IdPool.from_json(self.ctx, pool.to_dict()).count_allocated, 4)
        with self.assertRaises(contiv.JSONError):
            contiv.IdPool.from_json(self.ctx, "nope")


class TestMemory(unittest.TestCase):
    """Wrappers free their C objects: counted deterministically through the
    binding's function table, and by RSS over many iterations."""

    def _count_calls(self, name):
        real = getattr(contiv._c, name)
        calls = []

        def counting(p):
            calls.append(p)
            return real(p)
        setattr(contiv._c, name, counting)
        self.addCleanup(setattr, contiv._c, name, real)
        return calls

    def test_objects_are_unreffed(self):
        calls = self._count_calls("contiv_object_unref")
        ctx = contiv.Context()
        refs = []
        for i in range(100):
            obj = _network(ctx, networkName="n%d" % i)
            copy_ = obj.dup()
            parsed = contiv.Object.from_json(ctx, "network", obj.to_json())
            refs += [weakref.ref(obj), weakref.ref(copy_), weakref.ref(parsed)]
        del obj, copy_, parsed
        gc.collect()
        self.assertTrue(all(r() is None for r in refs))
        self.assertEqual(len(calls), 300)

    def test_failed_constructor_frees(self):
        calls = self._count_calls("contiv_object_unref")
        ctx = contiv.Context()
        for _ in range(10):
            with self.assertRaises(contiv.InvalidArgumentError):
                _network(ctx, subnet="bad")
        gc.collect()
        self.assertEqual(len(calls), 10)

    def test_pools_are_freed(self):
        ipam = self._count_calls("contiv_ipam_pool_free")
        ids = self._count_calls("contiv_idpool_free")
        ctx = contiv.Context()
        for _ in range(50):
            pool = contiv.IpamPool(ctx, "10.1.0.0/16")
            pool.carve("10.1.1.1-10.1.1.9")
            contiv.IdPool(ctx, "1-4094").alloc()
        del pool
        gc.collect()
        self.assertEqual(len(ipam), 100)
        self.assertEqual(len(ids), 50)

    def test_close_frees_once(self):
        calls = self._count_calls("contiv_object_unref")
        obj = contiv.Object(contiv.Context(), "tenant")
        obj.close()
        obj.close()
        del obj
        gc.collect()
        self.assertEqual(len(calls), 1)

    def test_context_freed(self):
        calls = self._count_calls("contiv_ctx_unref")
        ctx = contiv.Context()
        ref = weakref.ref(ctx)
        obj = contiv.Object(ctx, "tenant")
        del ctx
        gc.collect()
        self.assertIsNotNone(ref())     # the object keeps its Context
        del obj
        gc.collect()
        self.assertIsNone(ref())
        self.assertEqual(len(calls), 1)

    @unittest.skipIf(os.environ.get("SANITIZERS") == "yes",
                     "ASan's allocator quarantines freed memory, RSS says nothing")
    def test_rss_bounded(self):
        ctx = contiv.Context()

        def churn(n):
            for i in range(n):
                obj = _network(ctx, networkName="net%d" % i, pktTag=i % 4096 + 1)
                obj.to_json(pretty=True)
                obj.dup()
                pool = contiv.IpamPool(ctx, "10.1.0.0/16", "10.1.0.1")
                pool.alloc()
                pool.allocated
                pool.to_json()
                with self.assertRaises(contiv.InvalidArgumentError):
                    obj.set("subnet", "10.1.2.0/33")
        churn(10000)
        gc.collect()
        before = _rss_kib()
        churn(30000)
        gc.collect()
        growth = _rss_kib() - before
        # A leak of the JSON text alone would be > 5 MiB over 30000 rounds.
        self.assertLess(growth, 4096, "RSS grew by %d KiB" % growth)


if __name__ == "__main__":
    unittest.main()
