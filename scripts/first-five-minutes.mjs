// The clicks of the README's walkthrough, in Debian's chromium: open the dashboard, wait for the resources, press
// Start on traffic and "Fail with errors" on payment-service, wait for the payment-service breaker's row to read Open.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const [login, screenshot] = process.argv.slice(2);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.setDefaultTimeout(300_000);
  const row = name => page.getByRole('row').filter({ has: page.getByText(name, { exact: true }) });
  const button = (name, title) => row(name).locator(`fluent-button[title^='${title}']`);

  await page.goto(login);
  await row('payment-service-breaker').filter({ hasText: 'Closed' }).waitFor();
  await row('gateway').filter({ hasText: 'Running' }).waitFor();
  await button('traffic', 'Start').click();
  await row('traffic').filter({ hasText: 'Running' }).waitFor();
  await button('payment-service', 'Fail with errors').click();
  // A regular expression is case-sensitive ("Half open" does not match); the cells' texts run together, so no \b.
  await row('payment-service-breaker').filter({ hasText: /Open/ }).waitFor();
  await page.screenshot({ path: screenshot });
} finally {
  await browser.close();
}
