/**
 * Hands `contents` to the browser as a download named `name`. A link with `download` works
 * in every browser and offline; the object URL is released once the click has been dispatched.
 */
export function saveFile(name: string, contents: Blob): void {
  const url = URL.createObjectURL(contents)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.rel = 'noopener'
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
