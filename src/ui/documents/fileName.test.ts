import { describe, expect, it } from 'vitest'
import { documentFileName, fileBaseName, textFileName } from './fileName'

describe('file names', () => {
  it("use the language's extension, and the title", () => {
    expect(textFileName('Meeting notes', 'markdown')).toBe('Meeting notes.md')
    expect(textFileName('script', 'python')).toBe('script.py')
    expect(textFileName('App', 'typescript')).toBe('App.ts')
    expect(textFileName('Data', 'json')).toBe('Data.json')
    expect(textFileName('x', 'plaintext')).toBe('x.txt')
    // An id from a newer Meshpad is plain text.
    expect(textFileName('x', 'cobol')).toBe('x.txt')
    expect(documentFileName('Meeting notes')).toBe('Meeting notes.meshpad.json')
  })
  it('call a document with no usable title "untitled"', () => {
    expect(fileBaseName('')).toBe('untitled')
    expect(fileBaseName('   ')).toBe('untitled')
    expect(fileBaseName('...')).toBe('untitled')
    expect(textFileName('', 'css')).toBe('untitled.css')
  })
  it('never yield a path, a hidden file or control characters', () => {
    expect(fileBaseName('../../etc/passwd')).toBe('etc-passwd')
    expect(fileBaseName('a/b\\c:d*e?f"g<h>i|j')).toBe('a-b-c-d-e-f-g-h-i-j')
    expect(fileBaseName('.hidden')).toBe('hidden')
    expect(fileBaseName('tab\there\nnew')).toBe('tab-here-new')
    expect(fileBaseName('x'.repeat(300))).toHaveLength(80)
    expect(fileBaseName('héllo wörld 👋')).toBe('héllo wörld 👋')
  })
})
