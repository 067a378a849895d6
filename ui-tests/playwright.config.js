// Galata's Playwright defaults, pointed at Debian's Chromium and a JupyterLab on 127.0.0.1.
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const port = process.env.TEKTON_UI_TEST_PORT || '8888';
const baseURL = `http://127.0.0.1:${port}`;

module.exports = {
  ...baseConfig,
  // Never open the HTML report: a waiting report server would hang a headless run.
  reporter: [['list'], ['html', { open: 'never' }]],
  testDir: './tests',
  // Several people may run the suite at once on one machine: give each run its own port
  // (TEKTON_UI_TEST_PORT) and output folder (TEKTON_UI_TEST_OUTPUT).
  outputDir: process.env.TEKTON_UI_TEST_OUTPUT || './test-results',
  // One JupyterLab, one worker: the machine has 2 cores and tests share the server.
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  use: {
    ...baseConfig.use,
    baseURL,
    // Wide enough for file browser + canvas + properties panel: on a narrow canvas nodes sit
    // near its edges, where React Flow auto-pans while a link is being dragged.
    viewport: { width: 1440, height: 900 },
    // Playwright's own browser builds cannot be downloaded here; Debian's can.
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu']
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // Video recording needs an ffmpeg download.
    video: 'off'
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: 'jupyter lab --config jupyter_server_test_config.py',
    url: `${baseURL}/lab`,
    timeout: 120 * 1000,
    // A server left by another run would die with that run: start our own unless asked.
    reuseExistingServer: process.env.TEKTON_UI_TEST_REUSE_SERVER === '1',
    stdout: 'ignore',
    stderr: 'pipe'
  }
};
