# SPDX-License-Identifier: LGPL-2.1-or-later
"""Tests of contiv.Store and contiv.Txn (store.h) against the built libcontiv:
a fresh SQLite file per test, and etcd when CONTIV_TEST_ETCD_URL names one
(e.g. etcd://127.0.0.1:2379). Each test works under a key prefix of its own
and compares revisions relatively, so a shared etcd serves as well. Run by
tests/python/run-tests.sh (make check)."""

import ctypes
import errno
import gc
import os
import shlex
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import uuid
import weakref

import contiv


class CountCalls:
    """Counts the calls of a function of the binding's table (contiv._c)."""

    def count_calls(self, name):
        real = getattr(contiv._c, name)
        calls = []

        def counting(p):
            calls.append(p)
            return real(p)
        setattr(contiv._c, name, counting)
        self.addCleanup(setattr, contiv._c, name, real)
        return calls


class Boom(Exception):
    pass


class Interrupt(BaseException):
    """Not an Exception: like KeyboardInterrupt, it must propagate too."""


class StoreTests(CountCalls):
    """The backend-independent suite; subclasses provide open_store()."""

    def setUp(self):
        self.ctx = contiv.Context()
        self.store = self.open_store(self.ctx)
        self.prefix = "/pytest/%s/" % uuid.uuid4().hex

    def key(self, name):
        return self.prefix + name

    # -- put, get, delete, revision ------------------------------------------

    def test_put_get_delete(self):
        s, k = self.store, self.key("a")
        rev0 = s.revision
        rev1 = s.put(k, "one")
        self.assertEqual(rev1, rev0 + 1)
        self.assertEqual(s.get(k), ("one", rev1))
        self.assertIn(k, s)
        rev2 = s.put(k, "two")
        self.assertEqual(rev2, rev1 + 1)
        self.assertEqual(s.get(k), ("two", rev2))
        self.assertEqual(s.revision, rev2)
        rev3 = s.delete(k)
        self.assertEqual(rev3, rev2 + 1)
        self.assertNotIn(k, s)
        with self.assertRaises(contiv.NotFoundError) as cm:
            s.get(k)
        self.assertEqual(cm.exception.errno, errno.ENOENT)
        self.assertIsInstance(cm.exception, LookupError)
        with self.assertRaises(contiv.NotFoundError):
            s.delete(k)
        self.assertEqual(s.revision, rev3)      # a failed delete does not count

    def test_values(self):
        s = self.store
        for i, value in enumerate(["", "x", "ünïcödé ✓", '{"json": [1, 2]}', "a\nb",
                                   "v" * 100000]):
            k = self.key("v%d" % i)
            s.put(k, value)
            self.assertEqual(s.get(k)[0], value)
        s.put(self.key("bytes"), b"raw")
        self.assertEqual(s.get(self.key("bytes").encode())[0], "raw")

    def test_value_limits(self):
        s = self.store
        s.put(self.key("max"), "v" * contiv.STORE_VALUE_MAX)
        self.assertEqual(len(s.get(self.key("max"))[0]), contiv.STORE_VALUE_MAX)
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            s.put(self.key("big"), "v" * (contiv.STORE_VALUE_MAX + 1))
        self.assertIn("value larger than", cm.exception.message)

    def test_bad_keys(self):
        s = self.store
        for bad in ("", "has space", "tab\there", "é", "k" * (contiv.STORE_KEY_MAX + 1)):
            with self.assertRaises(contiv.InvalidArgumentError, msg=repr(bad)) as cm:
                s.put(bad, "v")
            self.assertEqual(cm.exception.errno, errno.EINVAL)
            self.assertIsInstance(cm.exception, ValueError)
            # The library's message, naming the key and the rule.
            self.assertIn("must be 1..1024 bytes of printable ASCII", cm.exception.message)
            self.assertEqual(str(cm.exception), cm.exception.message)
            self.assertEqual(self.ctx.error, cm.exception.message)
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            s.get("bad key")
        self.assertEqual(cm.exception.message,
                         'store: key "bad key": must be 1..1024 bytes of printable ASCII '
                         'without spaces')
        s.put(self.key("k" * (contiv.STORE_KEY_MAX - len(self.prefix) - 1)), "longest")
        # A NUL would silently cut the string in C: refused by the binding.
        for bad_call in (lambda: s.put(self.key("a\0b"), "v"),
                         lambda: s.put(self.key("a"), "v\0w"),
                         lambda: s.get("\0")):
            with self.assertRaises(contiv.InvalidArgumentError) as cm:
                bad_call()
            self.assertIn("NUL", cm.exception.message)
        self.assertNotIn(self.key("a"), s)
        for bad_type in (None, 42, ["k"]):
            with self.assertRaises(TypeError):
                s.put(bad_type, "v")
            with self.assertRaises(TypeError):
                s.put(self.key("a"), bad_type)

    def test_stale_message_is_not_reused(self):
        s = self.store
        with self.assertRaises(contiv.InvalidArgumentError):
            s.put("bad key", "v")
        with self.assertRaises(contiv.NotFoundError) as cm:
            s.get(self.key("missing"))
        self.assertNotIn("bad key", cm.exception.message)

    # -- list ------------------------------------------------------------------

    def test_list(self):
        s = self.store
        self.assertEqual(s.list(self.prefix), ([], s.revision))
        revs = {}
        for name in ("b", "a", "c/1", "c/0", "a0"):
            revs[name] = s.put(self.key(name), "value of " + name)
        s.put(self.prefix.rstrip("/") + "-other", "not under the prefix")
        items, rev = s.list(self.prefix)
        self.assertEqual(rev, s.revision)
        self.assertEqual([kv.key for kv in items],
                         [self.key(n) for n in ("a", "a0", "b", "c/0", "c/1")])
        for kv in items:
            name = kv.key[len(self.prefix):]
            self.assertEqual(kv, (self.key(name), "value of " + name, revs[name]))
            self.assertIsInstance(kv, contiv.KeyValue)
            self.assertEqual(kv.mod_revision, revs[name])
        self.assertEqual([kv.key for kv in s.list(self.key("c/"))[0]],
                         [self.key("c/0"), self.key("c/1")])
        self.assertEqual(s.keys(self.key("a")), [self.key("a"), self.key("a0")])
        everything, _ = s.list()
        self.assertGreaterEqual(len(everything), 6)
        with self.assertRaises(contiv.InvalidArgumentError):
            s.list("bad prefix")

    def test_list_with_fn(self):
        s = self.store
        for i in range(5):
            s.put(self.key("k%d" % i), str(i))
        seen = []
        n, rev = s.list(self.prefix, lambda k, v, r: seen.append((k, v, r)))
        self.assertEqual(n, 5)
        self.assertEqual(rev, s.revision)
        self.assertEqual([v for _, v, _ in seen], ["0", "1", "2", "3", "4"])
        seen.clear()
        # A true result stops the listing.
        n, rev = s.list(self.prefix, lambda k, v, r: seen.append(v) or v == "2")
        self.assertEqual((n, rev, seen), (3, None, ["0", "1", "2"]))

    # -- callbacks raising -------------------------------------------------------

    def test_list_callback_exception_propagates(self):
        s = self.store
        for i in range(5):
            s.put(self.key("k%d" % i), str(i))
        calls = []
        err = Boom("stop here")

        def fn(key, value, mod_revision):
            calls.append(value)
            if value == "1":
                raise err
        with self.assertRaises(Boom) as cm:
            s.list(self.prefix, fn)
        self.assertIs(cm.exception, err)
        self.assertEqual(calls, ["0", "1"])     # stopped at the exception
        self.assertEqual(self.ctx.error, "")    # not a library error

        def interrupt(*args):
            raise Interrupt()
        with self.assertRaises(Interrupt):
            s.list(self.prefix, interrupt)
        # The store still works, and so do callbacks.
        self.assertEqual(len(s.list(self.prefix)[0]), 5)

    def test_watch_callback_exception_propagates(self):
        s = self.store
        start = s.revision
        for i in range(4):
            s.put(self.key("k%d" % i), str(i))
        calls = []

        def fn(type_, key, value, revision):
            calls.append(revision)
            if len(calls) == 2:
                raise Boom("second event")
        with self.assertRaises(Boom):
            s.watch(self.prefix, start, fn=fn)
        self.assertEqual(calls, [start + 1, start + 2])
        with self.assertRaises(ZeroDivisionError):
            s.watch(self.prefix, start, fn=lambda *ev: 1 / 0)
        events, _ = s.watch(self.prefix, start)
        self.assertEqual(len(events), 4)

    # -- transactions ---------------------------------------------------------

    def test_txn_create_and_update(self):
        s, k = self.store, self.key("cas")
        rev0 = s.revision
        with s.txn() as txn:
            self.assertIs(txn.compare(k, 0), txn)       # must not exist
            txn.put(k, "created").put(self.key("other"), "too")
            rev = txn.commit()
        self.assertEqual(rev, rev0 + 1)                 # one revision per transaction
        self.assertEqual(s.get(k), ("created", rev))
        self.assertEqual(s.get(self.key("other")), ("too", rev))
        # Compare-and-swap on the mod_revision just read.
        value, mod = s.get(k)
        rev2 = s.txn().compare(k, mod).put(k, "updated").delete(self.key("other")).commit()
        self.assertEqual(rev2, rev + 1)
        self.assertEqual(s.get(k), ("updated", rev2))
        self.assertNotIn(self.key("other"), s)
        # Deleting a missing key in a transaction is not an error.
        s.txn().delete(self.key("never")).put(self.key("x"), "1").commit()

    def test_txn_conflict(self):
        s, k = self.store, self.key("cas")
        rev = s.put(k, "v1")
        s.put(k, "v2")                                  # someone else wrote
        rev_before = s.revision
        with s.txn() as txn:
            txn.compare(k, rev).put(k, "mine").put(self.key("side"), "effect")
            with self.assertRaises(contiv.ConflictError) as cm:
                txn.commit()
        self.assertEqual(cm.exception.errno, contiv.ERR_CONFLICT)
        self.assertIsInstance(cm.exception, contiv.ContivError)
        self.assertTrue(cm.exception.message)
        self.assertEqual(s.get(k)[0], "v2")             # nothing written
        self.assertNotIn(self.key("side"), s)
        self.assertEqual(s.revision, rev_before)
        with self.assertRaises(contiv.ConflictError):   # "must not exist" on an existing key
            s.txn().compare(k, 0).put(k, "x").commit()

    def test_txn_errors(self):
        s = self.store
        txn = s.txn()
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            txn.commit()
        self.assertEqual(cm.exception.message, "store: empty transaction")
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            txn.put("bad key", "v")
        self.assertIn('"bad key"', cm.exception.message)
        with self.assertRaises(contiv.InvalidArgumentError):
            txn.compare("", 1)
        with self.assertRaises(contiv.InvalidArgumentError):
            txn.compare(self.key("a"), -1)
        txn.put(self.key("a"), "1")
        txn.commit()
        with self.assertRaises(contiv.InvalidArgumentError):   # committed once
            txn.commit()
        txn.close()
        with self.assertRaises(ValueError):
            txn.put(self.key("a"), "2")
        with self.assertRaises(TypeError):
            contiv.Txn("not a store")

    # -- watch -------------------------------------------------------------------

    def test_watch(self):
        s = self.store
        start = s.revision
        r1 = s.put(self.key("a"), "1")
        r2 = s.put(self.key("b"), "2")
        s.put(self.prefix.rstrip("/") + "-elsewhere", "ignored")
        r3 = s.delete(self.key("a"))
        r4 = s.txn().put(self.key("c"), "3").put(self.key("d"), "4").commit()
        events, nxt = s.watch(self.prefix, start)
        self.assertEqual(events, [
            ("put", self.key("a"), "1", r1),
            ("put", self.key("b"), "2", r2),
            ("delete", self.key("a"), "", r3),
            ("put", self.key("c"), "3", r4),
            ("put", self.key("d"), "4", r4),
        ])
        self.assertIsInstance(events[0], contiv.Event)
        self.assertEqual(events[2].type, "delete")
        self.assertEqual(nxt, r4)
        self.assertEqual(s.watch(self.prefix, r2)[0][0].revision, r3)
        # Nothing new: no wait with timeout 0, the store's revision comes back.
        self.assertEqual(s.watch(self.prefix, nxt), ([], s.revision))
        t0 = time.monotonic()
        self.assertEqual(s.watch(self.prefix, nxt, timeout_ms=200)[0], [])
        self.assertGreaterEqual(time.monotonic() - t0, 0.15)
        with self.assertRaises(contiv.InvalidArgumentError):
            s.watch("bad prefix", 0)
        with self.assertRaises(contiv.InvalidArgumentError):
            s.watch(self.prefix, -1)

    def test_watch_with_fn_stops(self):
        s = self.store
        start = s.revision
        revs = [s.put(self.key("k%d" % i), str(i)) for i in range(4)]
        seen = []
        n, nxt = s.watch(self.prefix, start, fn=lambda *ev: seen.append(ev) or len(seen) == 2)
        self.assertEqual(n, 2)
        self.assertEqual([ev[3] for ev in seen], revs[:2])
        self.assertEqual(nxt, revs[1])          # resume after the last event delivered
        self.assertEqual([ev.revision for ev in s.watch(self.prefix, nxt)[0]], revs[2:])

    def test_watch_waits_for_a_write(self):
        """The C call waits without holding the GIL: another thread (with its
        own context and store handle) writes meanwhile."""
        s = self.store
        start = s.revision
        key = self.key("later")

        def writer():
            time.sleep(0.2)
            ctx = contiv.Context()
            other = self.open_store(ctx)
            other.put(key, "arrived")
            other.close()
        t = threading.Thread(target=writer)
        t.start()
        try:
            events, nxt = s.watch(self.prefix, start, timeout_ms=10000)
        finally:
            t.join()
        self.assertEqual([(e.type, e.key, e.value) for e in events], [("put", key, "arrived")])
        self.assertEqual(nxt, events[-1].revision)

    def test_compacted(self):
        s = self.store
        start = s.revision
        r1 = s.put(self.key("a"), "1")
        r2 = s.put(self.key("a"), "2")
        r3 = s.put(self.key("b"), "3")
        s.compact(r2)
        for after in (start, r1):
            with self.assertRaises(contiv.CompactedError) as cm:
                s.watch(self.prefix, after)
            self.assertEqual(cm.exception.errno, contiv.ERR_COMPACTED)
            self.assertTrue(cm.exception.message)
        # The recovery the API describes: list again, watch from its revision.
        items, rev = s.list(self.prefix)
        self.assertEqual([(kv.key, kv.value) for kv in items],
                         [(self.key("a"), "2"), (self.key("b"), "3")])
        self.assertEqual(s.watch(self.prefix, rev), ([], rev))
        self.assertEqual([e.revision for e in s.watch(self.prefix, r2)[0]], [r3])
        with self.assertRaises(contiv.InvalidArgumentError):
            s.compact(s.revision + 10)

    # -- leases ------------------------------------------------------------------

    def test_leases(self):
        s, k = self.store, self.key("leased")
        lease = s.lease_grant(60)
        self.assertGreater(lease, 0)
        rev = s.put(k, "alive", lease=lease)
        self.assertEqual(s.get(k), ("alive", rev))
        s.txn().put(self.key("leased2"), "too", lease=lease).commit()
        s.put(self.key("plain"), "stays")
        s.lease_keepalive(lease)
        start = s.revision
        s.lease_revoke(lease)
        self.assertNotIn(k, s)                          # revoke deletes its keys
        self.assertNotIn(self.key("leased2"), s)
        self.assertEqual(s.get(self.key("plain"))[0], "stays")
        events, _ = s.watch(self.prefix, start)
        self.assertEqual(sorted((e.type, e.key) for e in events),
                         [("delete", k), ("delete", self.key("leased2"))])
        with self.assertRaises(contiv.NotFoundError):
            s.lease_keepalive(lease)
        with self.assertRaises(contiv.NotFoundError):
            s.lease_revoke(lease)
        with self.assertRaises(contiv.NotFoundError):   # a put on a dead lease
            s.put(k, "again", lease=lease)
        self.assertNotIn(k, s)

    def test_lease_errors(self):
        s = self.store
        for ttl in (0, 3601):
            with self.assertRaises(contiv.InvalidArgumentError) as cm:
                s.lease_grant(ttl)
            self.assertEqual(cm.exception.message,
                             "store: lease ttl %d: must be 1..3600 seconds" % ttl)
        with self.assertRaises(contiv.InvalidArgumentError):
            s.lease_grant(-1)
        with self.assertRaises(TypeError):
            s.lease_grant("10")

    def test_lease_expires(self):
        s, k = self.store, self.key("short")
        lease = s.lease_grant(1)
        s.put(k, "soon gone", lease=lease)
        deadline = time.monotonic() + 10
        while k in s and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertNotIn(k, s)

    # -- lifetime ----------------------------------------------------------------

    def test_close(self):
        s = self.open_store(self.ctx)
        s.close()
        s.close()
        with self.assertRaises(ValueError):
            s.put(self.key("a"), "v")
        self.assertIn("closed", repr(s))

    def test_store_keeps_context(self):
        ctx = contiv.Context()
        s = self.open_store(ctx)
        ctx.close()                     # the C store holds its own reference
        s.put(self.key("a"), "v")
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            s.put("bad key", "v")
        self.assertIn("bad key", cm.exception.message)
        self.assertIs(s.context, ctx)

    def test_txn_keeps_store(self):
        calls = self.count_calls("contiv_store_unref")
        s = self.open_store(self.ctx)
        ref = weakref.ref(s)
        txn = s.txn()
        del s
        gc.collect()
        self.assertIsNotNone(ref())
        txn.put(self.key("a"), "1").commit()
        del txn
        gc.collect()
        self.assertIsNone(ref())
        # The store's own reference, and the one the C transaction held.
        self.assertEqual(len(calls), 1)

    def test_objects_freed(self):
        unref = self.count_calls("contiv_store_unref")
        txn_free = self.count_calls("contiv_store_txn_free")
        free = self.count_calls("contiv_free")
        refs = []
        for i in range(20):
            s = self.open_store(self.ctx)
            s.put(self.key("k%d" % i), "v")
            s.get(self.key("k%d" % i))
            with s.txn() as txn:
                txn.put(self.key("t%d" % i), "v")
                txn.commit()
            refs += [weakref.ref(s), weakref.ref(txn)]
            unused = s.txn()
            refs.append(weakref.ref(unused))
        del s, txn, unused
        gc.collect()
        self.assertTrue(all(r() is None for r in refs))
        self.assertEqual(len(unref), 20)
        self.assertEqual(len(txn_free), 40)
        self.assertEqual(len(free), 20)         # each value get() returned

    def test_failed_open_leaves_nothing(self):
        unref = self.count_calls("contiv_store_unref")
        with self.assertRaises(contiv.InvalidArgumentError):
            contiv.Store(self.ctx, "nope://x")
        gc.collect()
        self.assertEqual(unref, [])

    def test_callbacks_freed(self):
        """The CFUNCTYPE trampolines and their closures do not outlive the
        call (nothing keeps a reference)."""
        s = self.store
        s.put(self.key("a"), "1")

        class Fn:
            def __call__(self, *args):
                pass
        fn = Fn()
        ref = weakref.ref(fn)
        s.list(self.prefix, fn)
        s.watch(self.prefix, 0 if self.history_from_zero else s.revision - 1, fn=fn)
        del fn
        gc.collect()
        self.assertIsNone(ref())

    history_from_zero = True


class TestSQLiteStore(StoreTests, unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="contiv-pytest-")
        self.addCleanup(tmp.cleanup)
        self.url = "sqlite://" + os.path.join(tmp.name, "state.db")
        StoreTests.setUp(self)

    def open_store(self, ctx):
        return contiv.Store(ctx, self.url, timeout_ms=2000)

    def test_fresh_store(self):
        self.assertEqual(self.store.revision, 0)
        self.assertEqual(self.store.list(), ([], 0))
        self.assertEqual(self.store.url, self.url)
        self.assertIn(self.url, repr(self.store))

    def test_shared_file(self):
        other = contiv.Store(contiv.Context(), self.url)
        rev = self.store.put(self.key("a"), "from one")
        self.assertEqual(other.get(self.key("a")), ("from one", rev))

    def test_open_errors(self):
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            contiv.Store(self.ctx, "nope://x")
        self.assertEqual(cm.exception.message,
                         'store: url "nope://x": unknown scheme (sqlite, etcd, etcds)')
        with self.assertRaises(contiv.InvalidArgumentError) as cm:
            contiv.Store(self.ctx, "just-a-path")
        self.assertIn("must be sqlite://<path>", cm.exception.message)
        with self.assertRaises(contiv.UnavailableError) as cm:
            contiv.Store(self.ctx, "sqlite:///nonexistent-dir/sub/state.db")
        self.assertEqual(cm.exception.errno, contiv.ERR_UNAVAILABLE)
        self.assertIn("/nonexistent-dir/sub/state.db", cm.exception.message)
        with self.assertRaises(contiv.InvalidArgumentError):
            contiv.Store(self.ctx, self.url, timeout_ms=-1)
        with self.assertRaises(TypeError):
            contiv.Store("not a context", self.url)
        with self.assertRaises(TypeError):
            contiv.Store(self.ctx, None)

    def test_options(self):
        # Options that only concern etcd are accepted (and ignored) here; the
        # strings are kept alive for the call.
        s = contiv.Store(self.ctx, self.url, timeout_ms=100, tls_ca_file="/ca.pem",
                         tls_cert_file="/c.pem", tls_key_file="/k.pem", username="u",
                         password="p")
        s.put(self.key("a"), "v")


@unittest.skipUnless(os.environ.get("CONTIV_TEST_ETCD_URL"),
                     "CONTIV_TEST_ETCD_URL not set (e.g. etcd://127.0.0.1:2379)")
class TestEtcdStore(StoreTests, unittest.TestCase):
    history_from_zero = False   # a shared etcd may have been compacted

    def open_store(self, ctx):
        return contiv.Store(ctx, os.environ["CONTIV_TEST_ETCD_URL"], timeout_ms=5000)

    def test_unavailable(self):
        with self.assertRaises(contiv.UnavailableError) as cm:
            contiv.Store(self.ctx, "etcd://127.0.0.1:1", timeout_ms=500)
        self.assertIn("127.0.0.1:1", cm.exception.message)


class TestStructLayout(unittest.TestCase):
    """The ctypes option structs match the C headers: compiled with the C
    compiler the build used."""

    def test_opts_structs(self):
        cc = shlex.split(os.environ.get("CC") or "cc")
        if not shutil.which(cc[0]):
            self.skipTest("no C compiler (%s)" % cc[0])
        top = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..", "..")
        builddir = os.environ.get("top_builddir") or top
        structs = {
            "contiv_ctx_opts": contiv._CtxOpts,
            "contiv_store_opts": contiv._StoreOpts,
            "contiv_master_opts": contiv._MasterOpts,
            "contiv_client_opts": contiv._ClientOpts,
        }
        lines = ['#include <stdio.h>', '#include <stddef.h>', '#include <contiv/contiv.h>',
                 '#include <contiv/store.h>', '#include <contiv/master.h>',
                 '#include <contiv/client.h>', 'int main(void) {']
        expected = []
        for name, cls in structs.items():
            lines.append('printf("%%zu\\n", sizeof(struct %s));' % name)
            expected.append(ctypes.sizeof(cls))
            for field, _ in cls._fields_:
                lines.append('printf("%%zu\\n", offsetof(struct %s, %s));' % (name, field))
                expected.append(getattr(cls, field).offset)
        lines.append("return 0; }")
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "layout.c")
            exe = os.path.join(tmp, "layout")
            with open(src, "w") as f:
                f.write("\n".join(lines))
            cmd = cc + ["-I" + os.path.join(top, "include"),
                        "-I" + os.path.join(builddir, "include"), "-o", exe, src]
            build = subprocess.run(cmd, capture_output=True, text=True)
            if build.returncode != 0:
                self.skipTest("cannot compile the layout probe: %s" % build.stderr.strip())
            out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
        self.assertEqual([int(x) for x in out.split()], expected)


if __name__ == "__main__":
    unittest.main()
