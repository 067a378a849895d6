"""`jupyter-tekton` console script: runs the bundled `tekton-pipeline` JavaScript with Node."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

BUNDLE = Path(__file__).with_name("tekton-pipeline.cjs")


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    node = shutil.which("node")
    if node is None:
        sys.stderr.write(
            "jupyter-tekton needs Node.js (18 or newer) on PATH to run the pipeline compiler.\n"
            "Install Node.js, or use `npx tekton-pipeline` from the npm package.\n"
        )
        return 2
    if not BUNDLE.exists():
        sys.stderr.write(f"jupyter-tekton: the bundled CLI is missing ({BUNDLE}); rebuild the package.\n")
        return 2
    env = dict(os.environ, TEKTON_PIPELINE_PYTHON=sys.executable)
    return subprocess.call([node, str(BUNDLE), *args], env=env)


if __name__ == "__main__":
    sys.exit(main())
