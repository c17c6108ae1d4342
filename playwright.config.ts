import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests in the Debian Chromium, against the real server with an in-memory database
 * seeded with the demo organization. The web app must be built first (`vite build`), which the
 * e2e npm script does. Set E2E_BASE_URL to run against a server that is already up instead.
 */
const PORT = Number(process.env.E2E_PORT ?? 3917);
const external = process.env.E2E_BASE_URL;
// Optional, for scanning the server's database and log after the run (test/scan-e2e.ts).
const dataDir = process.env.E2E_DATA_DIR ?? 'memory://';
const logFile = process.env.E2E_LOG_FILE;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  outputDir: 'test-results',
  use: {
    baseURL: external ?? `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    acceptDownloads: true,
    locale: 'en-US',
    timezoneId: 'America/Los_Angeles',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        channel: undefined,
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
  ],
  webServer: external
    ? undefined
    : {
        command: logFile ? `npx tsx src/main.ts start >> '${logFile}' 2>&1` : 'npx tsx src/main.ts start',
        url: `http://127.0.0.1:${PORT}/api/v1/organization`,
        reuseExistingServer: !process.env.CI,
        timeout: 120_000,
        stdout: 'ignore',
        stderr: 'pipe',
        env: {
          DATA_DIR: dataDir,
          PORT: String(PORT),
          HOST: '127.0.0.1',
          NODE_ENV: 'test',
          LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
          // Each test sends its own X-Forwarded-For so the per-IP lookup limit applies per test: with
          // one trusted hop, the last address in that header is the client's.
          TRUST_PROXY: '1',
        },
      },
});
