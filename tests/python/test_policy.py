# SPDX-License-Identifier: LGPL-2.1-or-later
"""Tests of contiv.Policy (policy.h), contiv.Datapath (dp.h) and contiv.Agent
(agent.h) against the built libcontiv. Run by tests/python/run-tests.sh (make
check).

Policy is pure and tested end to end without privileges. Datapath changes the
kernel: its tests run only as root, in network namespaces the test creates
and deletes (ip netns), the body in a child process started with
"ip netns exec", so nothing outside those namespaces is touched; otherwise
they are skipped with the reason.
"""

import errno
import json
import os
import shutil
import subprocess
import sys
import unittest

import contiv


def tutorial(ctx, b_policies=("policyAB",)):
    """The objects of Contiv's tutorial: network "net" (10.1.2.0/24) of
    tenant "T", the policy "policyAB", groups epgA and epgB (epgB with
    b_policies) and one endpoint in each group and one in none."""
    return [
        contiv.Object(ctx, "network", tenantName="T", networkName="net",
                      subnet="10.1.2.0/24", gateway="10.1.2.254"),
        contiv.Object(ctx, "policy", tenantName="T", policyName="policyAB"),
        contiv.Object(ctx, "group", tenantName="T", groupName="epgA", networkName="net"),
        contiv.Object(ctx, "group", tenantName="T", groupName="epgB", networkName="net",
                      policies=list(b_policies)),
        contiv.Object(ctx, "endpoint", endpointID="a", tenantName="T", networkName="net",
                      groupName="epgA", ipAddress="10.1.2.1"),
        contiv.Object(ctx, "endpoint", endpointID="b", tenantName="T", networkName="net",
                      groupName="epgB", ipAddress="10.1.2.2"),
        contiv.Object(ctx, "endpoint", endpointID="c", tenantName="T", networkName="net",
                      ipAddress="10.1.2.3"),
    ]


def rule(ctx, rule_id, direction, priority, action, **match):
    return contiv.Object(ctx, "rule", tenantName="T", policyName="policyAB", ruleId=rule_id,
                         direction=direction, priority=priority, action=action, **match)


def icmp_deny(ctx):
    """The tutorial's rule: deny ICMP from epgA into epgB."""
    return rule(ctx, "1", "in", 1, "deny", protocol="icmp", fromEndpointGroup="epgA")


def tutorial_policy(ctx, *rules):
    pol = contiv.Policy(ctx)
    pol.add_objects(tutorial(ctx))
    pol.set_network_tag("T:net", "vxlan", 100)
    pol.add_objects(rules)
    return pol


def in_cell(cell, point):
    """Whether point (dict dimension -> int) lies in the cell's ranges."""
    return all(cell[d][0] <= v <= cell[d][1] for d, v in point.items())


def verdicts(program, direction, point):
    cells = program["inCells" if direction == "in" else "outCells"]
    return [c["verdict"] for c in cells if in_cell(c, point)]


class TestPolicy(unittest.TestCase):
    def setUp(self):
        self.ctx = contiv.Context()

    def group_ids(self, program):
        return {g["group"]: g["id"] for g in program["groups"]}

    def test_tutorial_icmp_deny(self):
        pol = tutorial_policy(self.ctx, icmp_deny(self.ctx))
        self.assertIsNone(pol.cells)
        cells = pol.compile()
        self.assertEqual(cells, 1)
        self.assertEqual(pol.cells, 1)
        program = pol.to_json()
        self.assertEqual(set(program), {"groups", "members", "rules", "inCells", "outCells",
                                        "snat", "bridges", "dnat"})
        ids = self.group_ids(program)
        a, b = ids["T:epgA"], ids["T:epgB"]
        # an icmp deny cell from epgA to epgB, whose rule is T:policyAB:1
        deny = [c for c in program["inCells"]
                if c["verdict"] == "deny" and c["protocol"] == [1, 1]
                and c["srcGroup"][0] <= a <= c["srcGroup"][1]
                and c["dstGroup"][0] <= b <= c["dstGroup"][1]]
        self.assertEqual(len(deny), 1, program["inCells"])
        rules = {r["index"]: r for r in program["rules"]}
        self.assertEqual(rules[deny[0]["rule"]]["rule"], "T:policyAB:1")
        self.assertEqual(rules[deny[0]["rule"]]["group"], "T:epgB")
        self.assertEqual(program["outCells"], [])
        # the other way round, and other protocols, are in no cell: allowed
        self.assertEqual(verdicts(program, "in", {"srcGroup": b, "dstGroup": a, "protocol": 1}),
                         [])
        self.assertEqual(verdicts(program, "in", {"srcGroup": a, "dstGroup": b, "protocol": 6,
                                                  "port": 80}), [])
        members = {m["endpoint"]: m for m in program["members"]}
        self.assertEqual(members["a"]["bridge"], "cvbx100")
        self.assertEqual(members["a"]["groupId"], a)
        self.assertEqual(members["b"]["address"], "10.1.2.2")
        self.assertEqual(program["bridges"], ["cvbx100"])
        self.assertEqual(program["snat"], ["10.1.2.0-10.1.2.255"])
        self.assertEqual(program["dnat"], [])

    def test_to_nft(self):
        pol = tutorial_policy(self.ctx, icmp_deny(self.ctx))
        pol.compile()
        text = pol.to_nft()
        self.assertIsInstance(text, str)
        self.assertIn("table inet contiv", text)
        self.assertTrue(text.startswith("table inet contiv {\n"), text[:80])
        self.assertIn('"cvbx100" . 10.1.2.1', text)
        self.assertIn('comment "T:epgB T:policyAB:1"', text)
        self.assertEqual(text.count("{"), text.count("}"))
        self.assertEqual(pol.to_json_text(), json.dumps(pol.to_json(), separators=(",", ":")))

    def test_priorities(self):
        # deny tcp into epgB, but allow port 8001 from epgA (higher priority)
        pol = tutorial_policy(self.ctx,
                              rule(self.ctx, "1", "in", 1, "deny", protocol="tcp"),
                              rule(self.ctx, "2", "in", 3, "allow", protocol="tcp", port=8001,
                                   fromEndpointGroup="epgA"))
        self.assertEqual(pol.compile(), 5)
        program = pol.to_json()
        ids = self.group_ids(program)
        a, b = ids["T:epgA"], ids["T:epgB"]
        for (src, port), want in {(a, 8001): ["allow"], (a, 8000): ["deny"],
                                  (a, 8002): ["deny"], (0, 8001): ["deny"],
                                  (b, 8001): ["deny"]}.items():
            self.assertEqual(verdicts(program, "in", {"srcGroup": src, "dstGroup": b,
                                                      "protocol": 6, "port": port}),
                             want, (src, port))
        self.assertEqual(verdicts(program, "in", {"srcGroup": a, "dstGroup": b,
                                                  "protocol": 17, "port": 53}), [])

    def test_equal_priority_deny_wins(self):
        pol = tutorial_policy(self.ctx,
                              rule(self.ctx, "1", "in", 2, "allow", protocol="tcp", port=80),
                              rule(self.ctx, "2", "in", 2, "deny", protocol="tcp", port=80,
                                   fromEndpointGroup="epgA"))
        pol.compile()
        program = pol.to_json()
        ids = self.group_ids(program)
        self.assertEqual(verdicts(program, "in", {"srcGroup": ids["T:epgA"],
                                                  "dstGroup": ids["T:epgB"],
                                                  "protocol": 6, "port": 80}), ["deny"])

    def test_port_mapping(self):
        pol = tutorial_policy(self.ctx)
        pol.add_port_mapping("tcp", 8080, "10.1.2.2", 80)
        with self.assertRaises(contiv.ExistsError):
            pol.add_port_mapping("tcp", 8080, "10.1.2.3", 80)
        pol.add_port_mapping("udp", 8080, "10.1.2.3", 53)
        with self.assertRaises(contiv.InvalidArgumentError):
            pol.add_port_mapping("sctp", 9, "10.1.2.3", 9)
        with self.assertRaises(contiv.InvalidArgumentError):
            pol.add_port_mapping("tcp", 0, "10.1.2.3", 9)
        self.assertEqual(pol.compile(), 0)
        dnat = sorted((d["protocol"], d["hostPort"], d["address"], d["port"])
                      for d in pol.to_json()["dnat"])
        self.assertEqual(dnat, [("tcp", 8080, "10.1.2.2", 80), ("udp", 8080, "10.1.2.3", 53)])
        self.assertIn("dnat_tcp", pol.to_nft())

    def test_dangling_reference(self):
        pol = contiv.Policy(self.ctx)
        pol.add_objects(tutorial(self.ctx, b_policies=("nope",)))
        pol.set_network_tag("T:net", contiv.DP_VXLAN, 100)
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            pol.compile()
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        self.assertEqual(cm.exception.message,
                         'policy: group "T:epgB" refers to policy "nope", not added')
        self.assertEqual(str(cm.exception), self.ctx.error)

    def test_dangling_rule_group(self):
        pol = tutorial_policy(self.ctx, rule(self.ctx, "1", "in", 1, "deny",
                                             fromEndpointGroup="epgZ"))
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            pol.compile()
        self.assertIn('refers to group', cm.exception.message)
        self.assertIn('epgZ', cm.exception.message)

    def test_lifecycle_errors(self):
        pol = tutorial_policy(self.ctx, icmp_deny(self.ctx))
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            pol.to_json()
        self.assertIn("not compiled", cm.exception.message)
        with self.assertRaises(contiv.InvalidArgumentError):
            pol.to_nft()
        with self.assertRaises(contiv.ExistsError):
            pol.add_object(icmp_deny(self.ctx))
        pol.compile()
        with self.assertRaises(contiv.InvalidArgumentError):
            pol.add_object(contiv.Object(self.ctx, "netprofile", tenantName="T",
                                         profileName="p", DSCP=10))

    def test_invalid_object(self):
        pol = contiv.Policy(self.ctx)
        with self.assertRaises(contiv.InvalidArgumentError):
            pol.add_object(contiv.Object(self.ctx, "network", tenantName="T"))
        with self.assertRaises(TypeError):
            pol.add_object({"tenantName": "T"})
        # objects of other kinds are ignored
        pol.add_object(contiv.Object(self.ctx, "tenant", tenantName="T"))

    def test_network_tag_arguments(self):
        pol = contiv.Policy(self.ctx)
        pol.set_network_tag("T:net", "VLAN", 10)
        with self.assertRaises(contiv.InvalidArgumentError):
            pol.set_network_tag("T:net", "gre", 10)
        with self.assertRaises(contiv.InvalidArgumentError):
            pol.set_network_tag("T:net", "vxlan", -1)
        with self.assertRaises(TypeError):
            pol.set_network_tag(None, "vxlan", 1)

    def test_dscp(self):
        ctx = self.ctx
        pol = contiv.Policy(ctx)
        objs = tutorial(ctx)
        objs[3].set("netProfile", "gold")
        pol.add_objects(objs)
        pol.add_object(contiv.Object(ctx, "netprofile", tenantName="T", profileName="gold",
                                     DSCP=46, bandwidth="10Mbps"))
        pol.set_network_tag("T:net", "vxlan", 100)
        pol.compile()
        groups = {g["group"]: g for g in pol.to_json()["groups"]}
        self.assertEqual(groups["T:epgB"]["dscp"], 46)
        self.assertEqual(groups["T:epgA"]["dscp"], 0)
        self.assertIn("ip dscp set 46", pol.to_nft())

    def test_close(self):
        pol = contiv.Policy(self.ctx)
        self.assertIn("not compiled", repr(pol))
        pol.close()
        pol.close()
        self.assertEqual(repr(pol), "<contiv.Policy closed>")
        with self.assertRaises(ValueError):
            pol.compile()
        with contiv.Policy(self.ctx) as pol2:
            pol2.add_objects(tutorial(self.ctx))
        self.assertIsNone(pol2._p)


class TestArguments(unittest.TestCase):
    """Argument checks of Datapath and Agent that need no kernel access."""

    def test_type_checks(self):
        ctx = contiv.Context()
        with self.assertRaises(TypeError):
            contiv.Datapath(None)
        with self.assertRaises(contiv.InvalidArgumentError):
            contiv.Datapath(ctx, arp_mode="broadcast")
        with self.assertRaises(TypeError):
            contiv.Agent(ctx, None, None, "h", "10.0.0.1")
        self.assertEqual(contiv._encap("vxlan"), contiv.DP_VXLAN)
        self.assertEqual(contiv._encap(b"vlan"), contiv.DP_VLAN)
        self.assertEqual(contiv._arp_mode("flood"), contiv.DP_ARP_FLOOD)
        self.assertEqual(contiv._arp_mode(None), 0)

    def test_struct_sizes(self):
        # struct contiv_dp_opts, contiv_dp_endpoint_opts, contiv_agent_opts
        # on LP64 (the options are size_t, 32-bit fields, pointers)
        if contiv.ctypes.sizeof(contiv.ctypes.c_void_p) == 8:
            self.assertEqual(contiv.ctypes.sizeof(contiv._DpOpts), 40)
            self.assertEqual(contiv.ctypes.sizeof(contiv._DpEndpointOpts), 88)
            self.assertEqual(contiv.ctypes.sizeof(contiv._AgentOpts), 40)


# ---------------------------------------------------------------------------
# Datapath: as root, in network namespaces of the test's own
# ---------------------------------------------------------------------------

_HOST_NS_ENV = "CONTIV_TEST_DP_NETNS"      # set in the child: its namespace
_CONT_NS_ENV = "CONTIV_TEST_DP_CONTAINER"  # the container's namespace name


def _netns_unavailable():
    if os.geteuid() != 0:
        return "needs root (network namespaces)"
    if shutil.which("ip") is None:
        return "ip (iproute2) not installed"
    name = "ctvpy%dprobe" % os.getpid()
    r = subprocess.run(["ip", "netns", "add", name], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        return "ip netns add failed: %s" % r.stderr.decode(errors="replace").strip()
    subprocess.run(["ip", "netns", "del", name], stderr=subprocess.DEVNULL)
    return None


def _ip(*args):
    return subprocess.run(["ip"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          check=True).stdout.decode(errors="replace")


class _DatapathBody:
    """The datapath tests, run only in the child inside the fresh "host"
    namespace (as a TestCase made by _run_datapath_body(); not a TestCase
    itself, so the loader does not collect it)."""

    MAC = "02:02:0a:01:02:01"

    @classmethod
    def setUpClass(cls):
        cls.container = os.environ[_CONT_NS_ENV]
        cls.netns_path = "/run/netns/" + cls.container
        # an underlay holding this host's VTEP address
        _ip("link", "set", "lo", "up")
        _ip("link", "add", "uplink0", "type", "veth", "peer", "name", "uplink1")
        _ip("addr", "add", "10.200.0.1/24", "dev", "uplink0")
        _ip("link", "set", "uplink1", "up")
        _ip("link", "set", "uplink0", "up")

    def setUp(self):
        self.ctx = contiv.Context()
        self.dp = contiv.Datapath(self.ctx, vtep_ip="10.200.0.1", vxlan_dev="uplink0")
        self.addCleanup(self.dp.close)

    def state(self, what=None):
        return [s for s in self.dp.read_state() if what is None or s.what == what]

    def add_network(self):
        try:
            self.dp.network_add("vxlan", 100, "10.1.2.254/24")
        except contiv.NotSupportedError as e:
            self.skipTest("kernel: %s" % e)

    def add_endpoint(self, **extra):
        opts = dict(encap="vxlan", tag=100, id="c1", netns_path=self.netns_path, mac=self.MAC,
                    ipv4_cidr="10.1.2.1/24", gateway4="10.1.2.254")
        opts.update(extra)
        return self.dp.endpoint_add(**opts)

    def test_1_network_idempotent(self):
        self.add_network()
        self.dp.network_add("vxlan", 100, "10.1.2.254/24")
        links = _ip("-o", "link", "show")
        self.assertIn("cvbx100", links)
        self.assertIn("cvx100", links)
        self.assertIn("10.1.2.254/24", _ip("-o", "addr", "show", "dev", "cvbx100"))
        nets = self.state("network")
        self.assertEqual([s.key for s in nets], ["vxlan:100"])
        self.assertIsInstance(nets[0].detail, dict)
        self.assertEqual(nets[0].detail.get("vni"), 100)

    def test_2_endpoint(self):
        self.add_network()
        host_if = self.add_endpoint()
        self.assertRegex(host_if, r"^cvh[0-9a-f]{8}$")
        self.assertEqual(self.add_endpoint(), host_if)      # idempotent
        inside = _ip("-n", self.container, "-o", "addr", "show", "dev", "eth0")
        self.assertIn("10.1.2.1/24", inside)
        self.assertIn(self.MAC, _ip("-n", self.container, "-o", "link", "show", "eth0"))
        self.assertIn("master cvbx100", _ip("-o", "link", "show", host_if))
        self.assertIn("c1", [s.key for s in self.state("endpoint")])
        with self.assertRaises(contiv.BusyError):
            self.dp.network_del("vxlan", 100)
        with self.assertRaises(contiv.NotFoundError):
            self.add_endpoint(id="c2", netns_path="/run/netns/contiv-no-such-ns",
                              mac="02:02:0a:01:02:09", ipv4_cidr="10.1.2.9/24")
        with self.assertRaises(TypeError):
            self.dp.endpoint_add(id="c3", colour="blue")

    def test_3_remote(self):
        self.add_network()
        mac = "02:02:0a:01:02:02"
        self.dp.remote_add(100, mac, "10.1.2.2", "10.200.0.2")
        self.dp.remote_add(100, mac, "10.1.2.2", "10.200.0.2")
        self.assertIn("100:" + mac, [s.key for s in self.state("remote")])
        if shutil.which("bridge"):
            fdb = subprocess.run(["bridge", "fdb", "show", "dev", "cvx100"],
                                 stdout=subprocess.PIPE, check=True).stdout.decode()
            self.assertRegex(fdb, mac + r".*dst 10\.200\.0\.2")
        self.assertIn(mac, _ip("neigh", "show", "dev", "cvx100"))
        with self.assertRaises(contiv.NotFoundError):
            self.dp.remote_add(999, mac, None, "10.200.0.2")
        self.dp.remote_del(100, mac, "10.1.2.2")
        self.dp.remote_del(100, mac, "10.1.2.2")
        self.assertNotIn("100:" + mac, [s.key for s in self.state("remote")])

    def test_4_qos(self):
        self.add_network()
        self.add_endpoint()
        try:
            self.dp.endpoint_set_qos("c1", "10Mbps")
        except contiv.NotSupportedError as e:
            self.skipTest("kernel: %s" % e)
        qos = [s for s in self.state("qos") if s.key == "c1"]
        self.assertEqual(len(qos), 1)
        self.assertEqual(qos[0].detail.get("rate_bps"), 10000000)
        self.dp.endpoint_set_qos("c1", 0)
        self.assertEqual([s for s in self.state("qos") if s.key == "c1"], [])
        with self.assertRaises(contiv.NotFoundError):
            self.dp.endpoint_set_qos("nope", 1000000)

    def test_5_policy_and_counters(self):
        self.add_network()
        self.add_endpoint()
        with self.assertRaises(contiv.NotFoundError):
            self.dp.read_counters()
        pol = tutorial_policy(self.ctx, icmp_deny(self.ctx))
        pol.compile()
        try:
            self.dp.apply_policy(pol)
        except contiv.NotSupportedError as e:
            self.skipTest("kernel: %s" % e)
        self.dp.apply_policy(pol)
        counters = self.dp.read_counters()
        self.assertEqual([(c.rule, c.group) for c in counters], [("T:policyAB:1", "T:epgB")])
        self.assertEqual(counters[0].packets, 0)
        if shutil.which("nft"):
            listed = subprocess.run(["nft", "list", "table", "inet", "contiv"],
                                    stdout=subprocess.PIPE, check=True).stdout.decode()
            self.assertIn("table inet contiv", listed)
        with self.assertRaises(TypeError):
            self.dp.apply_policy("table inet contiv {}")

    def test_6_teardown(self):
        self.add_network()
        self.add_endpoint()
        self.dp.endpoint_del("c1")
        self.dp.endpoint_del("c1")
        self.assertEqual(self.state("endpoint"), [])
        self.assertNotIn("eth0", _ip("-n", self.container, "-o", "link", "show"))
        self.dp.network_del("vxlan", 100)
        self.dp.network_del("vxlan", 100)
        self.assertEqual(self.state("network"), [])
        self.assertNotIn("cvbx100", _ip("-o", "link", "show"))


    def test_7_agent(self):
        pending = [n for n in contiv.missing_symbols() if n.startswith("contiv_agent_")]
        if pending:
            self.skipTest("%s lacks %s" % (contiv._lib_name, ", ".join(pending)))
        # A client that is never contacted: contiv_agent_new() does no I/O,
        # and these requests fail before any.
        client = contiv.Client(self.ctx, "http://127.0.0.1:9", timeout_ms=1000)
        agent = contiv.Agent(self.ctx, client, self.dp, "host1", "10.200.0.1")
        self.addCleanup(agent.close)
        self.assertIs(agent.client, client)
        self.assertIs(agent.datapath, self.dp)
        status, body = agent.handle("GET", "/nowhere")
        self.assertEqual(status, 404, body)
        self.assertEqual(json.loads(body)["status"], 404)
        status, body = agent.handle("POST", "/attach", {"network": "n"})
        self.assertEqual(status, 400, body)
        self.assertIn("error", json.loads(body))
        status, body = agent.handle("GET", "/attach")
        self.assertEqual(status, 405, body)
        status, body = agent.handle("POST", "/portmap", {"id": "c1", "portMappings": [
            {"protocol": "tcp", "hostPort": 70000, "containerPort": 80}]})
        self.assertEqual(status, 400, body)
        self.assertIn("portMappings[0].hostPort 70000", json.loads(body)["error"])
        pm_agent = contiv.Agent(self.ctx, client, self.dp, "host1", "10.200.0.1",
                                portmap_file="/nonexistent/portmap.json")
        pm_agent.close()
        with self.assertRaises(contiv.InvalidArgumentError):
            contiv.Agent(self.ctx, client, self.dp, "", "10.200.0.1")
        with self.assertRaises(contiv.UnavailableError):
            agent.sync(0)


def _run_datapath_body():
    """The child's entry point, inside the host namespace."""
    case = type("DatapathBody", (_DatapathBody, unittest.TestCase), {})
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    return 0 if result.wasSuccessful() else 1


class TestDatapath(unittest.TestCase):
    """contiv.Datapath end to end, in namespaces of this test's own."""

    @classmethod
    def setUpClass(cls):
        reason = _netns_unavailable()
        if reason:
            print("\n  TestDatapath skipped: %s" % reason, end=" ... ")
            raise unittest.SkipTest(reason)

    def test_in_fresh_netns(self):
        host = "ctvpy%dh" % os.getpid()
        container = "ctvpy%dc" % os.getpid()
        for name in (host, container):
            _ip("netns", "add", name)
            self.addCleanup(subprocess.run, ["ip", "netns", "del", name],
                            stderr=subprocess.DEVNULL)
        env = dict(os.environ)
        env[_HOST_NS_ENV] = host
        env[_CONT_NS_ENV] = container
        here = os.path.dirname(os.path.abspath(__file__))
        code = ("import sys; sys.path.insert(0, %r); import test_policy; "
                "sys.exit(test_policy._run_datapath_body())" % here)
        r = subprocess.run(["ip", "netns", "exec", host, sys.executable, "-c", code], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        out = r.stdout.decode(errors="replace")
        self.assertEqual(r.returncode, 0, "datapath tests in netns %s failed:\n%s" % (host, out))
        skipped = [line for line in out.splitlines() if "skipped" in line]
        if skipped:
            print("\n  " + "\n  ".join(skipped), end=" ... ")


class TestAgent(unittest.TestCase):
    """Argument checks of contiv.Agent; its requests are served in
    _DatapathBody.test_7_agent, in the test's namespace."""

    def test_arguments(self):
        ctx = contiv.Context()
        client = contiv.Client(ctx, "http://127.0.0.1:9")    # never contacted
        with self.assertRaises(TypeError):
            contiv.Agent(ctx, client, "dp", "host1", "10.200.0.1")
        with self.assertRaises(TypeError):
            contiv.Agent(None, client, None, "host1", "10.200.0.1")
        pending = [n for n in contiv.missing_symbols() if n.startswith("contiv_agent_")]
        if pending:
            print("\n  %s lacks %s" % (contiv._lib_name, ", ".join(pending)), end=" ... ")


if __name__ == "__main__":
    unittest.main()
