import { readFile } from 'node:fs/promises'
import { expect, type Locator, type Page } from '@playwright/test'

/** Opens "My documents" and returns the dialog. */
export async function openMyDocuments(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'My documents' }).click()
  const dialog = page.getByRole('dialog', { name: 'My documents' })
  await expect(dialog).toBeVisible()
  return dialog
}

/** Clicks a button in the dialog that downloads a file; returns its name and contents. */
export async function download(page: Page, dialog: Locator, button: string): Promise<{ name: string; contents: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: button }).click()])
  const path = await file.path()
  return { name: file.suggestedFilename(), contents: await readFile(path) }
}

/** Picks `contents` as the file to import (the dialog's hidden file input). */
export async function pickImportFile(dialog: Locator, name: string, contents: Buffer | string): Promise<void> {
  await dialog.getByTestId('import-file').setInputFiles({
    name,
    mimeType: 'application/json',
    buffer: typeof contents === 'string' ? Buffer.from(contents) : contents,
  })
}

/** The names of this page's IndexedDB databases. */
export async function databaseNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? ''))
}
