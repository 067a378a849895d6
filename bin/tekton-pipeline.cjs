#!/usr/bin/env node
// npm `bin` entry: runs the bundled CLI built by `npm run build:cli`.
require('../jupyterlab_tekton/cli/tekton-pipeline.cjs');
