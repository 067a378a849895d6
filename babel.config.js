// Used by jest's `dom` project for ES-module-only dependencies (JupyterLab's preset).
module.exports = require('@jupyterlab/testutils/lib/babel.config');
