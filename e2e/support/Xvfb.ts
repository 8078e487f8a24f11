import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { stopChild } from './childProcess.js'

const XVFB = '/usr/bin/Xvfb'

/**
 * A virtual X display (Xvfb) for a browser that needs one (WebKitGTK's MiniBrowser has no headless
 * mode). It takes a free display number itself (`-displayfd`), so it never collides with another
 * display on the machine. `stop()` is idempotent.
 */
export class Xvfb {
  private constructor(
    private readonly child: ChildProcess,
    /** The `DISPLAY` value, e.g. `:3`. */
    readonly display: string,
  ) {}

  static async start(timeoutMs = 10_000): Promise<Xvfb> {
    if (!existsSync(XVFB)) throw new Error(`Xvfb not found at ${XVFB}. Install it with \`sudo apt-get install -y xvfb\` (Debian).`)
    // fd 3: Xvfb writes the display number there once it accepts connections.
    const child = spawn(XVFB, ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x800x24'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const displayFd = child.stdio[3] as Readable
    try {
      const number = await new Promise<string>((resolve, reject) => {
        let written = ''
        const timer = setTimeout(() => reject(new Error(`Xvfb did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs)
        displayFd.on('data', (chunk: Buffer) => {
          written += chunk.toString()
          if (!written.includes('\n')) return
          clearTimeout(timer)
          resolve(written.trim())
        })
        child.once('exit', (code) => {
          clearTimeout(timer)
          reject(new Error(`Xvfb exited with ${code}:\n${output}`))
        })
      })
      return new Xvfb(child, `:${number}`)
    } catch (error) {
      child.kill('SIGKILL')
      throw error
    }
  }

  async stop(): Promise<void> {
    await stopChild(this.child)
  }
}
