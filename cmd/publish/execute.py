# Executes one notebook with nbclient for cmd/publish (see execute.go), saving the notebook
# atomically after every cell, so that a kernel death, a cell timeout or a kill by publish keeps
# the outputs of the cells that ran. Usage:
#
#   python3 execute.py SRC DST KERNEL CELL_TIMEOUT_S STATUS_JSON
#
# It writes STATUS_JSON ({"status": "ok" | "dead" | "cell-timeout" | "timeout" | "error",
# "code_cell": k, "first": "first source line", "reason": "..."}) and exits 0 when every
# cell ran (cell errors included: they are allowed and reported from the notebook), 3 otherwise.
# SIGTERM (sent by publish at its -timeout) marks the running cell, saves and exits 124.
import asyncio
import json
import os
import signal
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

src, dst, kernel, cell_timeout, status_path = sys.argv[1:6]
nb = nbformat.read(src, as_version=4)
current = {"index": None}
ENAMES = {"dead": "DeadKernelError", "cell-timeout": "CellTimeoutError", "timeout": "PublishTimeout", "error": "ExecutionError"}


def save():
    tmp = dst + ".partial"
    with open(tmp, "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    os.replace(tmp, dst)


def describe(status, reason=""):
    """The status record, naming the running code cell (1-based among code cells)."""
    out = {"status": status, "reason": reason}
    i = current["index"]
    if i is not None:
        out["code_cell"] = sum(1 for c in nb.cells[: i + 1] if c.cell_type == "code")
        lines = [l.strip() for l in nb.cells[i].source.splitlines()]
        out["first"] = next((l for l in lines if l and l != "%%"), "")
    return out


def finish(status, reason, code):
    st = describe(status, reason)
    i = current["index"]
    if i is not None and status != "ok":
        # The published notebook shows where execution stopped and why.
        nb.cells[i].setdefault("outputs", []).append(
            nbformat.v4.new_output("error", ename=ENAMES[status], evalue=reason, traceback=[reason])
        )
    save()
    tmp = status_path + ".partial"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(st, f)
    os.replace(tmp, status_path)
    return code


def on_term(signum, frame):
    os._exit(finish("timeout", "stopped by publish at its -timeout", 124))


def take_sigterm(**kw):
    # nbclient's setup_kernel installs a SIGTERM handler on the event loop that shuts the kernel
    # down and lets execution go on; publish's SIGTERM must stop here instead.
    asyncio.get_event_loop().add_signal_handler(signal.SIGTERM, on_term, signal.SIGTERM, None)


def started(cell, cell_index, **kw):
    current["index"] = cell_index
    take_sigterm()


def executed(**kw):
    save()


signal.signal(signal.SIGTERM, on_term)
client = NotebookClient(
    nb,
    timeout=int(cell_timeout),
    kernel_name=kernel,
    allow_errors=True,
    resources={"metadata": {"path": os.path.dirname(os.path.abspath(src))}},
    on_notebook_start=take_sigterm,
    on_cell_execute=started,
    on_cell_executed=executed,
)
try:
    client.execute()
except DeadKernelError:
    sys.exit(finish("dead", "the kernel died while this cell ran", 3))
except CellTimeoutError:
    sys.exit(finish("cell-timeout", "the cell exceeded -cell-timeout=%ss" % cell_timeout, 3))
except Exception as e:  # kernel missing, failed to start, ...: one line, no traceback
    msg = (str(e).strip().splitlines() or [""])[0]
    sys.exit(finish("error", "%s: %s" % (type(e).__name__, msg), 3))
current["index"] = None
sys.exit(finish("ok", "", 0))
