// Loaded into every test file's process (`--import` in scripts/test.sh and the test:* scripts). A file
// whose tests are over but that cannot exit (a connection, timer or child left open) would hang the
// whole run until CI kills it: a minute after its last test, it is ended, failing, with a message that
// names what was still open. Only in the test runner's file processes (NODE_TEST_CONTEXT), not in a
// benchmark or the runner itself.
import { after } from "node:test";

const GRACE_MS = Number(process.env.RANAAS_EXIT_GRACE_MS ?? 60_000);

if (process.env.NODE_TEST_CONTEXT !== undefined) {
  after(() => {
    const timer = setTimeout(() => {
      const handles = (process as unknown as { _getActiveHandles(): object[] })
        ._getActiveHandles()
        .map((h) => h.constructor.name);
      console.error(
        `[exit-watchdog] this test file's tests ended ${GRACE_MS / 1000} s ago but it cannot exit; ` +
          `still open: ${handles.join(", ") || "nothing visible (a pending promise?)"}`,
      );
      process.exit(1);
    }, GRACE_MS);
    timer.unref(); // it never keeps a file alive by itself
  });
}
