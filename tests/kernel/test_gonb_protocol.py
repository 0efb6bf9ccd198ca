"""Jupyter messaging-protocol tests of the project's GoNB kernel (kernels/gonb), with jupyter_kernel_test.

Run with Debian's python3 and JUPYTER_PATH=<repo> (the Makefile does both); the kernel's log goes to
$KERNEL_TEST_LOG when set:

    JUPYTER_PATH=$PWD /usr/bin/python3 -m unittest -v tests/kernel/test_gonb_protocol.py

Every cell is compiled by GoNB, so the message timeout is raised from the library's 15 s.
"""
import os
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel

TIMEOUT = float(os.environ.get("KERNEL_TEST_TIMEOUT", "180"))


class GoNBKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "gonb"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = '%%\nfmt.Println("hello, world")'
    code_stderr = '%%\nfmt.Fprintln(os.Stderr, "to stderr")'
    # The library's test wants exactly one output message, an error. GoNB also copies a failing Go
    # program's stderr ("exit status N") to the cell, so use a failing special command here and test
    # Go errors in test_go_errors below.
    code_generate_error = "%cd /nonexistent/directory"
    # Completion and inspection go through gopls (installed by kernels/setup.sh).
    completion_samples = [{"text": "%%\nfmt.Printl"}]
    code_inspect_sample = "%%\nfmt.Println"
    code_display_data = [
        {"code": 'import "github.com/janpfeifer/gonb/gonbui"\n%%\ngonbui.DisplayHTML("<b>html</b>")\ngonbui.Sync()',
         "mime": "text/html"},
        {"code": 'import "github.com/janpfeifer/gonb/gonbui"\n%%\ngonbui.DisplayMarkdown("*md*")\ngonbui.Sync()',
         "mime": "text/markdown"},
    ]

    @classmethod
    def setUpClass(cls):
        # GoNB logs every cell to stderr: keep that in a file ($KERNEL_TEST_LOG) for diagnosis.
        log = os.environ.get("KERNEL_TEST_LOG", os.devnull)
        cls.log = open(log, "w")
        cls.km, cls.kc = start_new_kernel(kernel_name=cls.kernel_name, startup_timeout=TIMEOUT, stderr=cls.log)
        # Warm the build cache once so that later messages arrive well within the timeout.
        cls.kc.execute_interactive("%noautoget\n%%\nfmt.Println(1)", timeout=TIMEOUT, output_hook=lambda msg: None)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.log.close()

    def execute_helper(self, code, timeout=TIMEOUT, **kwargs):
        return super().execute_helper(code, timeout=max(timeout, TIMEOUT), **kwargs)

    def test_project_packages_import(self):
        """Cells import the repository's packages through the go.work the kernel spec sets."""
        self.flush_channels()
        code = ('import "github.com/diffregimes/diffregimes/pkg/ou"\n'
                '%%\nfmt.Printf("delta=%.6f\\n", ou.Delta(1))')
        reply, out = self.execute_helper(code)
        self.assertEqual(reply["content"]["status"], "ok", out)
        text = "".join(m["content"].get("text", "") for m in out if m["msg_type"] == "stream")
        self.assertIn("delta=0.864665", text)

    def test_go_errors(self):
        """A panic and a compile error both end the cell with status "error" and an error message."""
        for code, want in (('%%\npanic("boom")', "panic: boom"), ('%%\nvar x int = "a"\n_ = x', "cannot use")):
            with self.subTest(code=code):
                self.flush_channels()
                reply, out = self.execute_helper(code)
                self.assertEqual(reply["content"]["status"], "error")
                self.assertEqual(out[-1]["msg_type"], "error", out)
                text = "".join(str(m["content"].get("text", "")) + str(m["content"].get("data", "")) for m in out)
                self.assertIn(want, text)

    def test_kernel_env(self):
        """The kernel spec's environment reaches cells (SIMD matmuls, no gomlx auto-install)."""
        self.flush_channels()
        reply, out = self.execute_helper(
            '%%\nfmt.Println(os.Getenv("GOEXPERIMENT"), os.Getenv("GOMLX_NO_AUTO_INSTALL"), os.Getenv("GODEBUG"))')
        self.assertEqual(reply["content"]["status"], "ok", out)
        text = "".join(m["content"].get("text", "") for m in out if m["msg_type"] == "stream")
        self.assertIn("simd 1 cpu.fma=off", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
