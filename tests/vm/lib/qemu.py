"""Boot one test VM (QEMU/TCG; x86: q35 with an emulated Intel IOMMU, arm64:
virt with its SMMUv3; see arch.py) for one scenario.

Channels (all set up by the runner, which listens before QEMU starts):
  ttyS0  console (arm64: ttyAMA0): QEMU's stdout, streamed into the log
  ttyS1  host channel (arm64: hvc0, a virtio console on virtio-mmio, outside
         the PCIe topology and so outside every IOMMU group): a unix
         socket; the guest sends "REQ <n> <hmp command>"
         and "RESULT <PASS|FAIL reason|SKIP reason>", the runner answers
         "REP <n> ok|err <monitor output on one line>", and "ACK" to the
         result (the guest powers off then)
  QMP    a unix socket; guest requests are run as HMP commands through
         human-monitor-command
"""

import json
import os
import re
import select
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import arch as vmarch

# Fixed topology; root ports get fixed slots so addresses are stable:
#   00:10.0 rp1 -> pcie-pci-bridge br1 -> e1000 x2   one group of 3
#   00:11.0 rp2 -> e1000e                            isolated
#   00:12.0 rp3 -> e1000e fn 0 + fn 1 (no ACS)       one group of 2
#   00:13.0 hp1 (empty, for hot-plug)
TOPOLOGY = [
    "-device", "pcie-root-port,id=rp1,chassis=1,bus=pcie.0,addr=0x10",
    "-device", "pcie-pci-bridge,id=br1,bus=rp1",
    "-device", "e1000,bus=br1,addr=1,netdev=n1",
    "-device", "e1000,bus=br1,addr=2,netdev=n2",
]
# arm64 (SMMUv3): two endpoints behind a PCIe-to-PCI bridge share the
# bridge's requester ID, and SMMUv3 refuses a StreamID two devices claim
# (5.10: kernel BUG in arm_smmu_write_strtab_ent; 6.x: the second device
# gets no IOMMU group). The shared group is two e1000 functions of one
# slot (conventional PCI: no ACS, each its own requester ID) on a PCIe
# switch's downstream port instead, which has no ACS either: they share a
# group with it on every kernel, and with every port above up to 6.12,
# which enable no ACS on a device-tree host (tests/vm/README.md).
#   00:10.0 rp1 -> switch 01:00.0 -> 02:00.0 -> e1000 fn 0 + fn 1
TOPOLOGY_ARM64 = [
    "-device", "pcie-root-port,id=rp1,chassis=1,bus=pcie.0,addr=0x10",
    "-device", "x3130-upstream,id=up1,bus=rp1",
    "-device", "xio3130-downstream,id=dp1,bus=up1,chassis=5,slot=0",
    "-device", "e1000,bus=dp1,addr=0.0,multifunction=on,netdev=n1",
    "-device", "e1000,bus=dp1,addr=0.1,netdev=n2",
]
_COMMON = [
    "-device", "pcie-root-port,id=rp2,chassis=2,bus=pcie.0,addr=0x11",
    "-device", "e1000e,bus=rp2,netdev=n3",
    "-device", "pcie-root-port,id=rp3,chassis=3,bus=pcie.0,addr=0x12",
    "-device", "e1000e,bus=rp3,addr=0.0,multifunction=on,netdev=n4",
    "-device", "e1000e,bus=rp3,addr=0.1,netdev=n5",
    "-device", "pcie-root-port,id=hp1,chassis=4,bus=pcie.0,addr=0x13",
]
for _i in range(1, 6):
    _COMMON += ["-netdev", "user,id=n%d,restrict=on" % _i]
TOPOLOGY += _COMMON
TOPOLOGY_ARM64 += _COMMON


def topology(arch):
    return TOPOLOGY_ARM64 if arch.name == "arm64" else TOPOLOGY

# One host thread runs all vCPUs in turn: multi-threaded TCG lets a vCPU run
# stale code while another patches kernel text (seen as "Oops: int3" at boot
# of 7.x), and with 2 VMs on 2 cores it costs no wall time. VM_TCG=multi
# switches it back.
TCG = "tcg,thread=single" if os.environ.get("VM_TCG") != "multi" else \
    "tcg,thread=multi"


def base_append(arch):
    return "console=%s,115200 %s quiet panic=-1 dmaguard.hostchan=%s" % (
        arch.console, arch.iommu_append, arch.hostchan)


def host_channel(arch, path):
    """QEMU arguments connecting the guest's host channel to the socket."""
    if arch.hostchan == "ttyS1":
        return ["-chardev", "socket,id=hostchan,path=" + path,
                "-serial", "chardev:hostchan"]
    return ["-device", "virtio-serial-device",
            "-chardev", "socket,id=hostchan,path=" + path,
            "-device", "virtconsole,chardev=hostchan"]

# Kernel trouble on the console or in the final dmesg dump.
KERNEL_TROUBLE = re.compile(
    r"(Kernel panic|kernel BUG at|BUG: |Oops: |general protection fault|"
    r"Unable to handle kernel|WARNING: CPU: |watchdog: BUG: soft lockup|"
    r"INFO: task .* blocked for more than)")

# Monitor commands a guest may ask for; anything else is refused.
ALLOWED_HMP = ("device_add", "device_del", "netdev_add", "netdev_del", "info")


class Result:
    def __init__(self, status, reason="", seconds=0.0):
        self.status = status        # PASS, FAIL or SKIP
        self.reason = reason
        self.seconds = seconds
        self.note = ""              # how the runner got it (a second boot)


class QMP:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self._recv()                     # greeting
        self.command("qmp_capabilities")

    def _recv(self):
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                if line.strip():
                    msg = json.loads(line)
                    if "event" not in msg:
                        return msg
            data = self.sock.recv(65536)
            if not data:
                raise OSError("QMP connection closed")
            self.buf += data

    def command(self, name, **args):
        self.sock.sendall(json.dumps({"execute": name, "arguments": args})
                          .encode() + b"\n")
        return self._recv()

    def hmp(self, line):
        reply = self.command("human-monitor-command", **{"command-line": line})
        if "error" in reply:
            return False, reply["error"].get("desc", str(reply["error"]))
        out = reply.get("return", "").strip()
        # HMP reports most failures as text, not as a QMP error.
        ok = not re.search(r"^(Error|.*: (error|Error))", out, re.M)
        return ok, out


def hmp_allowed(line):
    words = line.split()
    if not words or words[0] not in ALLOWED_HMP:
        return "command not allowed (allowed: %s)" % ", ".join(ALLOWED_HMP)
    if words[0] == "netdev_add" and not (
            line.split()[1].startswith("user,") and "restrict=on" in line):
        return "netdev_add must be 'user,...,restrict=on'"
    return None


class Boot:
    """One VM run. Call run(); the console goes to log_path (and to
    `echo` line by line if given)."""

    def __init__(self, kernel, initrd, scenario, log_path, append="",
                 timeout=180, echo=None, smp=2, mem=1024, expect_trouble=None,
                 extra_args=()):
        self.kernel = kernel
        self.initrd = initrd
        self.scenario = scenario
        self.log_path = log_path
        self.append = append
        self.timeout = timeout
        self.echo = echo
        self.smp = smp
        self.mem = mem
        self.extra_args = list(extra_args)  # e.g. a disk (system lane)
        self.result_line = None
        self.result_at = None
        self.console_result = None  # DMAGUARD-RESULT: on the console
        self.killed_after_result = False
        self.trouble = None
        # a scenario that provokes a kernel BUG on purpose names it; its
        # own lines are then not trouble (the scenario asserts them itself)
        self.expect_trouble = re.compile(expect_trouble) if expect_trouble \
            else None
        self.last_line = ""
        self.any_output = False
        self.silent_boot = False
        self.lock = threading.Lock()
        self.log = None
        self.start = time.monotonic()

    def argv(self, hostchan, qmp):
        arch = self.kernel.arch
        cmdline = "%s dmaguard.scenario=%s %s" % (base_append(arch),
                                                 self.scenario, self.append)
        return [arch.qemu, "-nodefaults", "-no-user-config",
                "-display", "none", "-no-reboot"] + arch.machine + \
            ["-accel", TCG,
             "-cpu", arch.cpu, "-smp", str(self.smp), "-m", str(self.mem),
             "-kernel", self.kernel.vmlinuz, "-initrd", self.initrd,
             "-append", cmdline.strip(),
             "-chardev", "stdio,id=con,signal=off",
             "-serial", "chardev:con"] + host_channel(arch, hostchan) + \
            ["-chardev", "socket,id=qmp,path=" + qmp,
             "-mon", "chardev=qmp,mode=control"] + arch.iommu_device + \
            topology(arch) + self.extra_args

    def _write(self, text):
        with self.lock:
            self.log.write("%7.2f| %s\n" % (time.monotonic() - self.start,
                                             text))
            self.log.flush()
        if self.echo:
            self.echo(text)

    def _console(self, stream):
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            line = line.replace("\r", "")
            self._write(line)
            self.any_output = True
            if line.strip():
                self.last_line = line.strip()
            if line.startswith("DMAGUARD-RESULT: "):
                self.console_result = line[len("DMAGUARD-RESULT: "):].strip()
            m = KERNEL_TROUBLE.search(line)
            if m and not self.trouble and "[scenario]" not in line and \
                    not (self.expect_trouble and
                         self.expect_trouble.search(line)):
                self.trouble = line.strip()

    def _hostchan(self, conn, qmp_sock):
        qmp = None
        buf = b""
        while True:
            data = conn.recv(4096)
            if not data:
                return
            buf += data
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                line = raw.decode("utf-8", "replace").strip("\r\0 ")
                if line.startswith("RESULT "):
                    self.result_line = line[len("RESULT "):]
                    self.result_at = time.monotonic()
                    self._write("[host] result: " + self.result_line)
                    # the guest powers off once it has this: a virtio
                    # console may still hold the line when it does
                    conn.sendall(b"ACK\n")
                elif line.startswith("REQ "):
                    if qmp is None:
                        qmp = QMP(qmp_sock)
                    self._request(conn, qmp, line)
                elif line:
                    self._write("[host] unknown message on host channel: " + line)

    def _request(self, conn, qmp, line):
        parts = line.split(None, 2)
        seq = parts[1] if len(parts) > 1 else "0"
        cmd = parts[2] if len(parts) > 2 else ""
        why = hmp_allowed(cmd)
        if why:
            ok, out = False, why
        else:
            try:
                ok, out = qmp.hmp(cmd)
            except OSError as e:
                ok, out = False, "monitor: %s" % e
        out = " | ".join(out.splitlines())
        self._write("[host] request %s: %s -> %s %s" %
                    (seq, cmd, "ok" if ok else "err", out))
        conn.sendall(("REP %s %s %s\n" % (seq, "ok" if ok else "err", out))
                     .encode())

    def run(self):
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        tmp = tempfile.mkdtemp(prefix="dmaguard-vm-")
        start = self.start = time.monotonic()
        try:
            with open(self.log_path, "w") as self.log:
                return self._run(tmp, start)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _listen(self, path):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
        s.listen(1)
        return s

    def _accept(self, listener, proc, deadline):
        while time.monotonic() < deadline and proc.poll() is None:
            r, _, _ = select.select([listener], [], [], 0.2)
            if r:
                return listener.accept()[0]
        return None

    def _run(self, tmp, start):
        hc_path = os.path.join(tmp, "hostchan.sock")
        qmp_path = os.path.join(tmp, "qmp.sock")
        hc_l = self._listen(hc_path)
        qmp_l = self._listen(qmp_path)
        argv = self.argv(hc_path, qmp_path)
        self._write("[host] " + " ".join(argv))
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        deadline = start + self.timeout
        threads = []
        con_t = threading.Thread(target=self._console, args=(proc.stdout,),
                                 daemon=True)
        con_t.start()
        # QEMU connects its chardevs in command-line order: host channel, QMP.
        hc = self._accept(hc_l, proc, deadline)
        qmp = self._accept(qmp_l, proc, deadline) if hc else None
        if hc and qmp:
            t = threading.Thread(target=self._hostchan, args=(hc, qmp),
                                 daemon=True)
            t.start()
            threads.append(t)
        timed_out = self._wait(proc, deadline)
        con_t.join(5)
        for t in threads:
            t.join(2)
        for s in (hc, qmp, hc_l, qmp_l):
            if s:
                s.close()
        seconds = time.monotonic() - start
        result = self._verdict(proc.returncode, timed_out, seconds)
        self._write("[host] verdict: %s %s (%.1fs)%s" %
                    (result.status, result.reason, seconds, result.note))
        return result

    # A kernel that a scenario broke on purpose (expect-trouble) may never
    # power off: a dead task holds a device lock. Its result stands.
    BROKEN_POWEROFF_GRACE = 20

    # The console's first line comes ~3 s into a boot (the kernel's first
    # warnings, then init). Nothing in this long means the emulated machine
    # hung before init ran, before any of dmaguard ran: seen once under TCG
    # in CI. The runner boots such a scenario once more (boot()).
    SILENT_BOOT_LIMIT = 60

    def _wait(self, proc, deadline):
        """Wait for QEMU; True if it had to be killed for the time limit."""
        while proc.poll() is None:
            now = time.monotonic()
            stuck = (self.expect_trouble and self.result_at and
                     now - self.result_at > self.BROKEN_POWEROFF_GRACE)
            silent = not self.any_output and \
                now - self.start > self.SILENT_BOOT_LIMIT
            if now >= deadline or stuck or silent:
                proc.kill()
                proc.wait()
                if stuck:
                    self.killed_after_result = True
                    self._write("[host] killed: the broken kernel did not "
                                "power off")
                if silent:
                    self.silent_boot = True
                    self._write("[host] killed: no console output in %d s "
                                "(the machine hung before init)" %
                                self.SILENT_BOOT_LIMIT)
                return not stuck
            time.sleep(0.2)
        return False

    def _verdict(self, rc, timed_out, seconds):
        if self.trouble:
            return Result("FAIL", "kernel trouble: %s" % self.trouble, seconds)
        if self.silent_boot:
            return Result("FAIL", "no console output in %ds: the machine hung "
                          "before init" % self.SILENT_BOOT_LIMIT, seconds)
        if timed_out:
            what = "after the result" if self.result_line else \
                "(last console line: %s)" % self.last_line[:120]
            return Result("FAIL", "timeout after %ds %s" % (self.timeout, what),
                          seconds)
        note = ""
        if self.result_line is None and self.console_result:
            # the guest had no host channel (its console says why): the
            # same result, printed after the kernel log, is on the console
            self.result_line = self.console_result
            note = " (result from the console: the host channel carried none)"
        if self.result_line is None:
            return Result("FAIL", "VM stopped (qemu exit %s) without a result; "
                          "last console line: %s" % (rc, self.last_line[:120]),
                          seconds)
        if rc != 0 and not self.killed_after_result:
            return Result("FAIL", "qemu exited %d" % rc, seconds)
        status, _, reason = self.result_line.partition(" ")
        if status not in ("PASS", "FAIL", "SKIP"):
            return Result("FAIL", "bad result line '%s'" % self.result_line,
                          seconds)
        res = Result(status, reason, seconds)
        res.note = note
        return res
