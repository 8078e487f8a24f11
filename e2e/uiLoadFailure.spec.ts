import { expect, test } from './support/test.js'

test('if the editor’s code cannot load, the page says so and what helps, never stays blank', async ({ browser, server }) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  // The UI chunk (React, CodeMirror, the app) fails; the first script, which holds the session, runs.
  await page.route(/\/assets\/ui-[^/]+\.js$/, (route) => route.abort())
  await page.goto(server.url)
  await expect(page.getByRole('alert')).toContainText('Meshpad could not load its editor')
  await expect(page.getByRole('alert')).toContainText('reload the page')
  await context.close()
})
