/**
 * Entry of the `tekton-pipeline` bundle (`npm run build:cli` → jupyterlab_tekton/cli/
 * tekton-pipeline.cjs, run by bin/tekton-pipeline.cjs and by `jupyter-tekton`). Imports
 * only src/model and src/compiler, so it works from a plain shell without JupyterLab.
 * Exit codes: 0 ok, 1 invalid pipeline, 2 usage, 3 environment (e.g. Python missing).
 */
import { main } from './cli';

main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
});
