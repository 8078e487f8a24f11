import type { ClientOptions } from 'ws'
import { createSignalingServer, type SignalingServer, type SignalingServerOptions } from '../server.js'
import { TestClient } from './testClient.js'

export interface RunningServer {
  readonly signaling: SignalingServer
  /** `http://127.0.0.1:PORT` */
  readonly http: string
  /** `ws://127.0.0.1:PORT` */
  readonly ws: string
}

/**
 * Real signaling servers on ephemeral loopback ports and real ws clients for one test file;
 * `cleanup()` (in `afterEach`) terminates every client and closes every server it started.
 */
export class SignalingHarness {
  private readonly servers: SignalingServer[] = []
  private readonly clients: TestClient[] = []

  async start(options: SignalingServerOptions = {}): Promise<RunningServer> {
    const signaling = createSignalingServer({ port: 0, host: '127.0.0.1', ...options })
    this.servers.push(signaling)
    const { port, host } = await signaling.listen()
    return { signaling, http: `http://${host}:${port}`, ws: `ws://${host}:${port}` }
  }

  /** A client, not waited for: for connections the server refuses. */
  client(url: string, options?: ClientOptions): TestClient {
    const client = new TestClient(url, options)
    this.clients.push(client)
    return client
  }

  /** A client whose connection is open. */
  async connect(url: string, options?: ClientOptions): Promise<TestClient> {
    const client = this.client(url, options)
    await client.opened()
    return client
  }

  async cleanup(): Promise<void> {
    for (const client of this.clients.splice(0)) client.socket.terminate()
    await Promise.all(this.servers.splice(0).map((server) => server.close()))
  }
}
