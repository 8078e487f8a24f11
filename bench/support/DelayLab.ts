import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { stopChild, waitForLine } from '../../e2e/support/childProcess.ts'

const SWITCH = fileURLToPath(new URL('./delaySwitch.py', import.meta.url))

/** A host of the lab: its network namespace, its address, its access link's one-way delay. */
export interface DelayLabHost {
  readonly ns: string
  readonly address: string
  readonly delayMs: number
}

/** The lab's network (RFC 5737 documentation range; only inside the lab's namespaces). */
const NET = '198.51.100'
const SERVER_ADDRESS = `${NET}.1`

function run(file: string, args: readonly string[]): void {
  try {
    execFileSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? ''
    throw new Error(`${file} ${args.join(' ')} failed: ${stderr || String(error)}`, { cause: error })
  }
}

function requireTools(): void {
  if (process.getuid?.() !== 0) throw new Error('this benchmark creates network namespaces and must run as root (it removes everything it makes)')
  for (const tool of ['ip', 'python3']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' })
    } catch {
      throw new Error(`${tool} not found: install it (\`apt-get install -y iproute2 python3\`)`)
    }
  }
  if (!existsSync('/dev/net/tun')) throw new Error('/dev/net/tun is missing: the lab needs TUN devices')
}

/**
 * A LAN of hosts in network namespaces whose access links differ in delay, made for one run and
 * removed after it (even when it fails): a server host (no delay) and one host per entry of
 * `delaysMs`. A packet from host i to host j takes delay i + delay j one way, as with
 * `tc netem delay` on each host's link in both directions; this kernel has no netem, so a
 * user-space switch (`delaySwitch.py`) carries the packets between one TUN device per host.
 * Every address is a documentation one and the switch drops packets to any other: nothing the
 * lab sends leaves it. Root only.
 */
export class DelayLab {
  private readonly namespaces: string[] = []
  private readonly children = new Set<ChildProcess>()
  private switcher: ChildProcess | null = null
  private destroyed = false
  readonly server: DelayLabHost
  readonly hosts: readonly DelayLabHost[]

  private constructor(
    readonly id: string,
    delaysMs: readonly number[],
  ) {
    this.server = { ns: `mpgd-${id}-srv`, address: SERVER_ADDRESS, delayMs: 0 }
    this.hosts = delaysMs.map((delayMs, index) => ({ ns: `mpgd-${id}-h${index}`, address: `${NET}.${10 + index}`, delayMs }))
  }

  /** Builds the lab; on any failure it removes what it made and rethrows. */
  static async create(delaysMs: readonly number[]): Promise<DelayLab> {
    requireTools()
    if (delaysMs.length > 200) throw new Error('at most 200 hosts')
    const lab = new DelayLab(randomBytes(3).toString('hex'), delaysMs)
    try {
      await lab.build()
    } catch (error) {
      await lab.destroy()
      throw error
    }
    return lab
  }

  private async build(): Promise<void> {
    const all = [this.server, ...this.hosts]
    const devices = all.map((host, index) => ({ name: `mpgd${this.id}${index}`, address: host.address, delayMs: host.delayMs }))
    for (const host of all) {
      try {
        run('ip', ['netns', 'add', host.ns])
      } catch (error) {
        throw new Error(`network namespaces are unavailable here (${(error as Error).message.trim()})`, { cause: error })
      }
      this.namespaces.push(host.ns)
      run('ip', ['-n', host.ns, 'link', 'set', 'lo', 'up'])
    }
    // The switch opens the devices in this namespace; each then moves to its host's. It is the
    // instrument that makes the delays, and uses little CPU: it runs ahead of the peers (nice -10)
    // so that a loaded machine delays its packets as little as it can.
    const switcher = spawn('nice', ['-n', '-10', 'python3', SWITCH, JSON.stringify(devices)], { stdio: ['pipe', 'pipe', 'pipe'] })
    this.switcher = switcher
    await waitForLine(switcher, 'the delay switch', (line) => {
      if (line !== 'ready') throw new Error(`it said ${line}`)
      return true
    })
    all.forEach((host, index) => {
      const device = devices[index]!.name
      run('ip', ['link', 'set', device, 'netns', host.ns])
      run('ip', ['-n', host.ns, 'addr', 'add', `${host.address}/24`, 'dev', device])
      run('ip', ['-n', host.ns, 'link', 'set', device, 'up'])
      // A default route (into the switch, which drops what is not for the lab) so that WebRTC
      // gathers the device's address as a host candidate.
      run('ip', ['-n', host.ns, 'route', 'add', 'default', 'dev', device])
    })
  }

  /** Starts `file args` inside `host`'s namespace; the lab stops it on `destroy()`. */
  spawn(host: DelayLabHost, file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', host.ns, file, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    this.children.add(child)
    child.once('exit', () => this.children.delete(child))
    return child
  }

  /** Idempotent: stops every process started in the lab and the switch, removes every namespace. */
  async destroy(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    await Promise.all([...this.children].map((child) => stopChild(child, 3000)))
    if (this.switcher !== null) await stopChild(this.switcher, 3000)
    for (const ns of this.namespaces.splice(0).reverse()) {
      try {
        run('ip', ['netns', 'del', ns])
      } catch {
        // Already gone; the others must still go.
      }
    }
  }
}
