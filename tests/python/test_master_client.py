# SPDX-License-Identifier: LGPL-2.1-or-later
"""Tests of contiv.Master (master.h) and contiv.Client (client.h) against the
built libcontiv: Master.handle over a SQLite store in a temporary directory,
Client against a tools/netmaster started on 127.0.0.1. Run by
tests/python/run-tests.sh (make check)."""

import gc
import json
import os
import socket
import subprocess
import tempfile
import time
import unittest
import weakref

import contiv

from test_store import CountCalls


def _lacks(prefix):
    """The functions of a layer the loaded library does not export."""
    return [n for n in contiv.missing_symbols() if n.startswith(prefix)]


def _top_builddir():
    return (os.environ.get("top_builddir") or os.environ.get("top_srcdir")
            or os.path.join(os.path.dirname(__file__), "..", ".."))


class TestBindingWithoutLibrary(unittest.TestCase):
    """What holds whether or not the library implements master.h/client.h."""

    def test_classes_exist(self):
        for name in ("Master", "Client"):
            cls = getattr(contiv, name)
            self.assertTrue(cls.__doc__)
            self.assertIn(name, contiv.__all__)
        self.assertTrue(callable(contiv.Master.handle))
        self.assertTrue(callable(contiv.Client.list_objects))

    @unittest.skipUnless(_lacks("contiv_master_"), "the library implements master.h")
    def test_master_missing_raises_not_implemented(self):
        ctx = contiv.Context()
        with tempfile.TemporaryDirectory() as tmp:
            store = contiv.Store(ctx, "sqlite://" + os.path.join(tmp, "s.db"))
            with self.assertRaises(NotImplementedError) as cm:
                contiv.Master(ctx, store)
            self.assertIn("contiv_master_new", str(cm.exception))

    @unittest.skipUnless(_lacks("contiv_client_"), "the library implements client.h")
    def test_client_missing_raises_not_implemented(self):
        with self.assertRaises(NotImplementedError) as cm:
            contiv.Client(contiv.Context(), "http://127.0.0.1:1")
        self.assertIn("contiv_client_new", str(cm.exception))

    def test_argument_checks_before_the_library(self):
        ctx = contiv.Context()
        with self.assertRaises(TypeError):
            contiv.Master(ctx, "not a store")
        with self.assertRaises(TypeError):
            contiv.Master("not a context", None)
        with self.assertRaises(TypeError):
            contiv.Client("not a context", "http://127.0.0.1:1")
        with self.assertRaises(contiv.InvalidArgumentError):
            contiv.Client(ctx, "http://127.0.0.1:1", timeout_ms=-5)
        with self.assertRaises(contiv.InvalidArgumentError):
            contiv.Client(ctx, "http://127.0.0.1:1", auth_token="a\0b")


@unittest.skipIf(_lacks("contiv_master_"),
                 "%s does not implement master.h yet" % contiv._lib_name)
class TestMaster(CountCalls, unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="contiv-pytest-")
        self.addCleanup(tmp.cleanup)
        self.url = "sqlite://" + os.path.join(tmp.name, "state.db")
        self.ctx = contiv.Context()
        self.store = contiv.Store(self.ctx, self.url)
        self.master = contiv.Master(self.ctx, self.store, self_url="http://127.0.0.1:9999")
        self.master.init()

    def request(self, method, path, body=None, status=200):
        code, text = self.master.handle(method, path, body)
        self.assertEqual(code, status, "%s %s: %s" % (method, path, text))
        return json.loads(text) if text and path != "/metrics" else text

    def test_init_creates_default_tenant(self):
        tenants = self.request("GET", "/api/v1/tenants/")
        self.assertIn("default", [t["tenantName"] for t in tenants])
        self.master.init()                          # idempotent
        self.assertEqual(self.request("GET", "/api/v1/tenants/"), tenants)

    def test_tenant_network_list_inspect_delete(self):
        self.request("POST", "/api/v1/tenants/t1/", {"tenantName": "t1"})
        net = {"tenantName": "t1", "networkName": "net1", "encap": "vxlan",
               "subnet": "10.1.2.0/24", "gateway": "10.1.2.254"}
        # str, bytes and JSON-encoded bodies are all accepted.
        self.request("POST", "/api/v1/networks/t1:net1/", json.dumps(net).encode())
        got = self.request("GET", "/api/v1/networks/t1:net1/")
        for field, value in net.items():
            self.assertEqual(got[field], value, field)
        names = [(n["tenantName"], n["networkName"])
                 for n in self.request("GET", "/api/v1/networks/")]
        self.assertIn(("t1", "net1"), names)
        inspect = self.request("GET", "/api/v1/inspect/networks/t1:net1/")
        self.assertIn("Config", inspect)
        self.assertIn("Oper", inspect)
        self.assertEqual(inspect["Config"]["networkName"], "net1")
        # The tenant is in use by its network.
        body = self.request("DELETE", "/api/v1/tenants/t1/", status=409)
        self.assertEqual(body["status"], 409)
        self.request("DELETE", "/api/v1/networks/t1:net1/")
        self.request("GET", "/api/v1/networks/t1:net1/", status=404)
        self.request("DELETE", "/api/v1/tenants/t1/")
        # Everything went through the store.
        self.assertTrue(self.store.revision > 0)

    def test_400_carries_library_message(self):
        bad = {"tenantName": "default", "networkName": "n1", "subnet": "10.1.2.0/33"}
        body = self.request("POST", "/api/v1/networks/default:n1/", bad, status=400)
        self.assertEqual(body["status"], 400)
        # The same message the object model gives for that value.
        obj = contiv.Object(self.ctx, "network")
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            obj.set("subnet", "10.1.2.0/33")
        # 'network: subnet "10.1.2.0/33": prefix length must be 1..32' from
        # the model; the master names the object: 'network "n1": subnet ...'.
        detail = cm.exception.message.split(": ", 1)[1]
        self.assertIn('subnet "10.1.2.0/33"', detail)
        self.assertEqual(body["error"], 'network "n1": ' + detail)
        body = self.request("POST", "/api/v1/networks/default:n1/", "{not json", status=400)
        self.assertTrue(body["error"])

    def test_other_statuses(self):
        self.request("GET", "/api/v1/nothing-here/", status=404)
        self.request("PATCH", "/api/v1/tenants/", status=405)
        version = self.request("GET", "/version")
        self.assertIn(contiv.version(), json.dumps(version))
        small = contiv.Master(self.ctx, self.store, max_body=64, version="9.9.9-test")
        code, text = small.handle("POST", "/api/v1/tenants/t2/",
                                  json.dumps({"tenantName": "t2", "x": "y" * 100}))
        self.assertEqual(code, 413, text)
        self.assertIn("9.9.9-test", small.handle("GET", "/version")[1])
        code, text = self.master.handle("GET", "/metrics", None)
        self.assertEqual(code, 200)
        self.assertIsInstance(text, str)

    def test_bad_arguments(self):
        with self.assertRaises(contiv.InvalidArgumentError):
            self.master.handle("GET", "/api/\0v1/")
        with self.assertRaises(TypeError):
            self.master.handle(None, "/")
        # The body goes with its length: a NUL inside reaches the master.
        body = self.request("POST", "/api/v1/tenants/t3/", b'{"tenantName":"t3"}\0junk',
                            status=400)
        self.assertIn("NUL byte", body["error"])
        self.request("POST", "/api/v1/tenants/t3/", b'{"tenantName":"t3"}')

    def test_campaign_and_resign(self):
        other_store = contiv.Store(contiv.Context(), self.url)
        other = contiv.Master(other_store.context, other_store, self_url="http://127.0.0.1:8888")
        self.assertEqual(self.master.campaign(30), (True, "http://127.0.0.1:9999"))
        self.assertEqual(self.master.campaign(30), (True, "http://127.0.0.1:9999"))
        self.assertEqual(other.campaign(30), (False, "http://127.0.0.1:9999"))
        self.master.resign()
        self.assertEqual(other.campaign(30), (True, "http://127.0.0.1:8888"))
        self.assertEqual(self.master.campaign(30), (False, "http://127.0.0.1:8888"))
        other.resign()
        other.resign()                              # not the leader: fine
        nameless = contiv.Master(self.ctx, self.store)
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            nameless.campaign(30)
        self.assertTrue(cm.exception.message)

    def test_freed(self):
        unref = self.count_calls("contiv_master_unref")
        store_unref = self.count_calls("contiv_store_unref")
        store = contiv.Store(self.ctx, self.url)
        store_ref = weakref.ref(store)
        refs = []
        for _ in range(10):
            m = contiv.Master(self.ctx, store)
            m.handle("GET", "/api/v1/tenants/")
            refs.append(weakref.ref(m))
        del store
        gc.collect()
        self.assertIsNotNone(store_ref())           # the masters keep it
        del m
        gc.collect()
        self.assertTrue(all(r() is None for r in refs))
        self.assertIsNone(store_ref())
        self.assertEqual(len(unref), 10)
        self.assertEqual(len(store_unref), 1)


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipIf(_lacks("contiv_client_"),
                 "%s does not implement client.h yet" % contiv._lib_name)
class TestClient(unittest.TestCase):
    """Against a tools/netmaster process on 127.0.0.1, one per test."""

    netmaster = os.path.join(_top_builddir(), "tools", "netmaster")

    def setUp(self):
        if not os.access(self.netmaster, os.X_OK):
            print("\nSKIP: %s is not built" % self.netmaster)
            self.skipTest("%s is not built" % self.netmaster)
        tmp = tempfile.TemporaryDirectory(prefix="contiv-pytest-")
        self.addCleanup(tmp.cleanup)
        self.port = _free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        log = open(os.path.join(tmp.name, "netmaster.log"), "w")
        self.addCleanup(log.close)
        self.log_path = log.name
        self.proc = subprocess.Popen(
            self.netmaster_args(tmp.name), stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT)
        self.addCleanup(self.stop)
        self.ctx = contiv.Context()
        self.client = contiv.Client(self.ctx, self.base, timeout_ms=5000)
        self.wait_ready()

    def netmaster_args(self, tmp):
        self.socket = os.path.join(tmp, "netmaster.sock")
        return [self.netmaster, "--listen-url", "127.0.0.1:%d" % self.port,
                "--store", "sqlite://" + os.path.join(tmp, "state.db"), "--socket", self.socket]

    def wait_ready(self):
        deadline = time.monotonic() + 20
        while True:
            if self.proc.poll() is not None:
                with open(self.log_path) as f:
                    self.fail("netmaster exited with %d: %s" % (self.proc.returncode, f.read()))
            try:
                status, _ = self.client.request("GET", "/version")
                if status == 200:
                    return
            except contiv.UnavailableError:
                pass
            if time.monotonic() > deadline:
                self.fail("netmaster did not answer on %s" % self.base)
            time.sleep(0.1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def test_request(self):
        status, body = self.client.request("GET", "/api/v1/tenants/")
        self.assertEqual(status, 200)
        self.assertIn("default", [t["tenantName"] for t in json.loads(body)])
        status, body = self.client.request("POST", "/api/v1/tenants/t1/", {"tenantName": "t1"})
        self.assertEqual(status, 200, body)
        status, body = self.client.request("GET", "/api/v1/nothing/")
        self.assertEqual(status, 404)              # an answer, not an exception
        self.assertEqual(json.loads(body)["status"], 404)

    def test_objects(self):
        ctx = self.ctx
        self.client.put_object(contiv.Object(ctx, "tenant", tenantName="t1"))
        net = contiv.Object(ctx, "network", tenantName="t1", networkName="net1", encap="vxlan",
                            subnet="10.1.2.0/24", gateway="10.1.2.254")
        self.client.put_object(net)
        got = self.client.get_object("network", "t1:net1")
        self.assertIsInstance(got, contiv.Object)
        self.assertEqual(got.kind, contiv.Kind.NETWORK)
        self.assertEqual(got.key, "t1:net1")
        self.assertEqual(got.get("subnet"), "10.1.2.0/24")
        got.set("gateway", "10.1.2.1")              # a usable object of ctx
        nets = self.client.list_objects(contiv.Kind.NETWORK)
        self.assertIn("t1:net1", [n.key for n in nets])
        tenants = self.client.list_objects("tenants")
        self.assertEqual(sorted(t.key for t in tenants), ["default", "t1"])
        with self.assertRaises(contiv.BusyError) as cm:   # 409: in use
            self.client.delete_object("tenant", "t1")
        self.assertTrue(cm.exception.message)
        self.client.delete_object("network", "t1:net1")
        with self.assertRaises(contiv.NotFoundError):
            self.client.get_object("network", "t1:net1")
        with self.assertRaises(contiv.NotFoundError):
            self.client.delete_object("network", "t1:net1")

    def test_invalid_object_message(self):
        bad = contiv.Object(self.ctx, "network", tenantName="default", networkName="n1")
        with self.assertRaises(contiv.InvalidArgumentError) as cm:   # a 400
            self.client.put_object(bad)
        self.assertEqual(cm.exception.message, 'network "n1": subnet is required')
        self.assertEqual(self.ctx.error, cm.exception.message)

    def test_unix_socket_and_token(self):
        client = contiv.Client(contiv.Context(), "http://netmaster", unix_socket=self.socket,
                               auth_token="token")
        status, body = client.request("GET", "/version")
        self.assertEqual(status, 200, body)
        self.assertIn(contiv.version(), body)

    def test_list_callback(self):
        for i in range(3):
            self.client.put_object(contiv.Object(self.ctx, "tenant", tenantName="t%d" % i))
        seen = []
        n = self.client.list_objects("tenant", lambda o: seen.append(o.key) or len(seen) == 2)
        self.assertEqual(n, 2)
        self.assertEqual(len(seen), 2)

        def boom(obj):
            raise KeyError(obj.key)
        with self.assertRaises(KeyError):
            self.client.list_objects("tenant", boom)
        # Objects handed to the callback stay valid after it (own reference).
        kept = []
        self.client.list_objects("tenant", kept.append)
        gc.collect()
        self.assertTrue(all(o.key for o in kept))

    def test_unavailable(self):
        self.stop()
        with self.assertRaises(contiv.UnavailableError) as cm:
            self.client.request("GET", "/version")
        self.assertIn("127.0.0.1:%d" % self.port, cm.exception.message)

    def test_bad_url(self):
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            contiv.Client(self.ctx, "ftp://127.0.0.1")
        self.assertIn("ftp://127.0.0.1", cm.exception.message)


if __name__ == "__main__":
    unittest.main()
