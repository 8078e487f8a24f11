import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromiumPath } from './chromium.js'
import { stopChild } from './childProcess.js'

/** The "public" network (RFC 5737 documentation range): the server host and the routers' WAN side. */
export const PUBLIC = { server: '203.0.113.10', routerA: '203.0.113.21', routerB: '203.0.113.22', prefix: 24 } as const
/** Each router's LAN (private ranges, only inside these namespaces). */
export const LANS = { a: { router: '192.168.1.1', hosts: ['192.168.1.10', '192.168.1.11'] }, b: { router: '192.168.2.1', hosts: ['192.168.2.10'] } } as const

/** A host of the lab: `srv` (Meshpad server + coturn), `a` and `a2` behind router A, `b` behind router B. */
export type LabHost = 'srv' | 'a' | 'a2' | 'b'
export type LabRouter = 'ra' | 'rb'
/**
 * What a router lets its LAN send to the public network (everything else it forwards as a home
 * router would): `server-only` — traffic to the server host only (an office firewall that
 * passes what it must); `no-udp` — no UDP at all (only TCP leaves); `no-stun` — no UDP to the
 * server host's STUN port (3478): the browsers behind it learn no public address.
 */
export type RouterRule = 'server-only' | 'no-udp' | 'no-stun'

const RULES: Readonly<Record<RouterRule, string>> = {
  'server-only': `ip daddr != ${PUBLIC.server}`,
  'no-udp': 'meta l4proto udp',
  'no-stun': `ip daddr ${PUBLIC.server} udp dport 3478`,
}

function run(file: string, args: readonly string[], input?: string): void {
  try {
    execFileSync(file, args, { stdio: ['pipe', 'ignore', 'pipe'], input })
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? ''
    throw new Error(`${file} ${args.join(' ')} failed: ${stderr || String(error)}`, { cause: error })
  }
}

function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('the network tests create network namespaces and must run as root (they create and remove everything they use)')
  }
  for (const tool of ['ip', 'nft', 'turnserver']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' })
    } catch {
      throw new Error(`${tool} not found: install it with \`sudo apt-get install -y iproute2 nftables coturn\``)
    }
  }
}

/**
 * A small internet in network namespaces, made for one test and removed after it (even when it
 * fails): a public network with the server host, and two NAT routers with their LANs. Nothing
 * here is connected to the machine's own interfaces; every address is a documentation or
 * private one, so nothing it sends can leave the namespaces it made.
 *
 *   a (192.168.1.10) ─┐                                        ┌─ b (192.168.2.10)
 *   a2 (192.168.1.11) ─┴ router A ── public 203.0.113.0/24 ── router B ┘
 *                        .21            │ srv .10               .22
 *
 * A Linux masquerade router answers an unsolicited UDP packet to its own address with a
 * conntrack entry that makes it pick another port for the peer's later flow (symmetric NAT). The
 * routers drop UDP arriving at themselves in an input hook, so they behave like an
 * endpoint-independent home router: with STUN, two browsers behind them connect directly.
 */
export class NetLab {
  private readonly namespaces: string[] = []
  private readonly children = new Set<ChildProcess>()
  private readonly dir: string
  private destroyed = false

  private constructor(readonly id: string) {
    this.dir = mkdtempSync(join(tmpdir(), `meshpad-netlab-${id}-`))
  }

  /** Builds the lab; on any failure it removes what it made and rethrows. */
  static create(): NetLab {
    requireRoot()
    const lab = new NetLab(randomBytes(3).toString('hex'))
    try {
      lab.build()
    } catch (error) {
      lab.removeNamespaces()
      throw error
    }
    return lab
  }

  /** The namespace name of a host or router. */
  ns(name: LabHost | LabRouter | 'pub'): string {
    return `mp10-${this.id}-${name}`
  }

  private addNamespace(name: LabHost | LabRouter | 'pub'): string {
    const ns = this.ns(name)
    run('ip', ['netns', 'add', ns])
    this.namespaces.push(ns)
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up'])
    return ns
  }

  /** A veth pair: `ifA` in `nsA`, `ifB` in `nsB` (names are per namespace, so they repeat). */
  private link(nsA: string, ifA: string, nsB: string, ifB: string): void {
    const tmpA = `mp${this.id}${randomBytes(2).toString('hex')}`
    const tmpB = `mp${this.id}${randomBytes(2).toString('hex')}`
    run('ip', ['link', 'add', tmpA, 'type', 'veth', 'peer', 'name', tmpB])
    run('ip', ['link', 'set', tmpA, 'netns', nsA])
    run('ip', ['link', 'set', tmpB, 'netns', nsB])
    run('ip', ['-n', nsA, 'link', 'set', tmpA, 'name', ifA])
    run('ip', ['-n', nsB, 'link', 'set', tmpB, 'name', ifB])
  }

  private bridge(ns: string, address?: string): void {
    run('ip', ['-n', ns, 'link', 'add', 'br0', 'type', 'bridge'])
    run('ip', ['-n', ns, 'link', 'set', 'br0', 'up'])
    if (address !== undefined) run('ip', ['-n', ns, 'addr', 'add', address, 'dev', 'br0'])
  }

  private port(ns: string, ifName: string): void {
    run('ip', ['-n', ns, 'link', 'set', ifName, 'master', 'br0'])
    run('ip', ['-n', ns, 'link', 'set', ifName, 'up'])
  }

  private host(ns: string, ifName: string, address: string, gateway: string): void {
    run('ip', ['-n', ns, 'addr', 'add', address, 'dev', ifName])
    run('ip', ['-n', ns, 'link', 'set', ifName, 'up'])
    // A default route also lets Chromium resolve its peers' mDNS host candidates on the LAN.
    run('ip', ['-n', ns, 'route', 'add', 'default', 'via', gateway])
  }

  private build(): void {
    const pub = this.addNamespace('pub')
    this.bridge(pub)
    const srv = this.addNamespace('srv')
    this.link(srv, 'eth0', pub, 'srv')
    this.port(pub, 'srv')
    // The server's default route points at a public address nobody holds: nothing leaves.
    this.host(srv, 'eth0', `${PUBLIC.server}/${PUBLIC.prefix}`, '203.0.113.1')

    const routers = [
      { name: 'ra' as const, wan: PUBLIC.routerA, lan: LANS.a, hosts: ['a', 'a2'] as const },
      { name: 'rb' as const, wan: PUBLIC.routerB, lan: LANS.b, hosts: ['b'] as const },
    ]
    for (const router of routers) {
      const ns = this.addNamespace(router.name)
      this.link(ns, 'wan', pub, router.name)
      this.port(pub, router.name)
      run('ip', ['-n', ns, 'addr', 'add', `${router.wan}/${PUBLIC.prefix}`, 'dev', 'wan'])
      run('ip', ['-n', ns, 'link', 'set', 'wan', 'up'])
      run('ip', ['-n', ns, 'route', 'add', 'default', 'via', '203.0.113.1'])
      this.bridge(ns, `${router.lan.router}/24`)
      run('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1'])
      run('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], routerRules())
      router.hosts.forEach((hostName, index) => {
        const hostNs = this.addNamespace(hostName)
        this.link(hostNs, 'eth0', ns, `h${index}`)
        this.port(ns, `h${index}`)
        this.host(hostNs, 'eth0', `${router.lan.hosts[index]}/24`, router.lan.router)
      })
    }
  }

  /** Restricts what `router` forwards from its LAN to the public network (see {@link RouterRule}). */
  restrict(router: LabRouter, rule: RouterRule): void {
    run('ip', ['netns', 'exec', this.ns(router), 'nft', 'add', 'rule', 'inet', 'meshpad', 'lan_out', 'iifname', 'br0', ...RULES[rule].split(' '), 'drop'])
  }

  /** Lifts every restriction of `router` (see {@link restrict}). */
  lift(router: LabRouter): void {
    run('ip', ['netns', 'exec', this.ns(router), 'nft', 'flush', 'chain', 'inet', 'meshpad', 'lan_out'])
  }

  /** Starts `file args` inside `host`'s namespace; the lab stops it on `destroy()`. */
  spawn(host: LabHost, file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.ns(host), file, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    this.children.add(child)
    child.once('exit', () => this.children.delete(child))
    return child
  }

  /** An executable that starts Chromium inside `host`'s namespace, for Playwright's `executablePath`. */
  chromiumIn(host: LabHost): string {
    const path = join(this.dir, `chromium-${host}`)
    writeFileSync(path, `#!/bin/sh\nexec ip netns exec ${this.ns(host)} ${chromiumPath()} "$@"\n`)
    chmodSync(path, 0o755)
    return path
  }

  /** A file in the lab's own temporary directory (removed with the lab). */
  file(name: string, contents: string): string {
    const path = join(this.dir, name)
    writeFileSync(path, contents)
    return path
  }

  private removeNamespaces(): void {
    for (const ns of this.namespaces.splice(0).reverse()) {
      try {
        run('ip', ['netns', 'del', ns])
      } catch {
        // Already gone; the others must still go.
      }
    }
  }

  /** Idempotent: stops every process started in the lab, removes every namespace and file. */
  async destroy(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    await Promise.all([...this.children].map((child) => stopChild(child, 3000)))
    this.removeNamespaces()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/**
 * A home router: masquerade on the WAN side; UDP to the router itself dropped (see `NetLab`);
 * `lan_out` starts empty and takes the restrictions of {@link NetLab.restrict}.
 * `fwd` is an nft keyword, so the chains have other names.
 */
function routerRules(): string {
  return `
table ip meshpad_nat {
  chain post { type nat hook postrouting priority srcnat; policy accept; oifname "wan" masquerade; }
}
table inet meshpad {
  chain self_in { type filter hook input priority filter; policy accept; iifname "wan" meta l4proto udp drop; }
  chain lan_out { type filter hook forward priority filter; policy accept; }
}
`
}
