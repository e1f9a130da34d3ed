"""Storage does what its OpenAPI document says: schemathesis (all checks, a bounded number of examples per
operation, a fixed seed) against the running service of the local stack, with zero failures."""
import os
import subprocess

MAX_EXAMPLES = 40


def test_storage_conforms_to_its_openapi_document(root, stack, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(root), "SCHEMATHESIS_HOOKS": "tests.schemathesis.hooks",
           "RESULTS_WRITE_TOKEN": stack.env["RESULTS_WRITE_TOKEN"], "RESULTS_READ_TOKEN": stack.env["RESULTS_READ_TOKEN"]}
    run = subprocess.run(
        [str(root / ".venv" / "bin" / "st"), "run", f"{stack.storage}/openapi.json", "--checks", "all",
         "--max-examples", str(MAX_EXAMPLES), "--seed", "20261129", "--generation-deterministic",
         "--request-timeout", "30", "--report-dir", str(tmp_path), "--no-color"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
