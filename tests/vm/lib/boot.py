"""Boot ONE VM with one scenario and stream its console live (for
`make demo` and for debugging a scenario by hand).

usage: boot.sh [-k SUITE] [-t SECONDS] [-a APPEND] [-q] SCENARIO
SCENARIO is a name from tests/vm/scenarios/ or a path to any scenario file
(it is added to the image). -q prints only the verdict. Exit 0 on PASS (or
SKIP), 1 on FAIL, 2 on usage errors. The log goes to
build/vm/logs/SUITE/NAME.log as with run.sh.
"""

import getopt
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import initramfs  # noqa: E402
import kernels  # noqa: E402
import runner  # noqa: E402
import scenarios  # noqa: E402


def usage():
    print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
    return 2


def main(argv):
    try:
        opts, args = getopt.getopt(argv, "k:t:a:qh")
    except getopt.GetoptError as e:
        print("boot.sh: %s" % e, file=sys.stderr)
        return usage()
    opts = dict(opts)
    if "-h" in opts or len(args) != 1:
        return usage()
    suite = opts.get("-k") or kernels.selected_suites()[0]
    target = args[0]
    try:
        every = scenarios.discover(runner.SCEN_DIR)
        if os.path.isfile(target):
            sc = scenarios.Scenario(target)
            every = [s for s in every if s.name != sc.name] + [sc]
        else:
            match = [s for s in every if s.name == target]
            if not match:
                print("boot.sh: no scenario '%s' in %s" % (target, runner.SCEN_DIR),
                      file=sys.stderr)
                return 2
            sc = match[0]
        if "-t" in opts:
            sc.timeout = int(opts["-t"])
        if "-a" in opts:
            sc.append.append(opts["-a"])
        kernel, initrd = runner.prepare(suite, every)
    except (scenarios.ScenarioError, kernels.FetchError, initramfs.BuildError,
            OSError, ValueError) as e:
        print("boot.sh: %s" % e, file=sys.stderr)
        return 1
    echo = None if "-q" in opts else (lambda line: print(line, flush=True))
    res = runner.boot(kernel, initrd, suite, sc, echo)
    name = "%s/%s" % (suite, sc.name)
    if res.status == "FAIL":
        print("FAIL %s: %s (log: %s)" % (name, res.reason,
                                         runner.rel(runner.log_path(suite, sc.name))))
        return 1
    print("%s %s (%ds)%s%s" % (res.status, name, round(res.seconds),
                               ": " + res.reason if res.reason else "",
                               res.note))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
