import { afterAll, beforeAll } from 'vitest'
import { createSignalingServer, type SignalingServer } from '../../../signaling/server'
import { startNodePeer, type NodePeerProcess } from './nodePeerProcess'

/** A test file's real signaling server and the Node peer processes it starts (see `nodePeer.ts`). */
export interface NodePeerRoom {
  /** The signaling server's port, once the file's tests run. */
  port(): number
  /** A peer of the room of `link` in its own Node process; stopped after the file's tests. */
  startPeer(link: string, text: string): Promise<NodePeerProcess>
}

/**
 * Starts a signaling server on a free loopback port before the calling test file's tests, and
 * stops it and every peer started with {@link NodePeerRoom.startPeer} after them.
 */
export function nodePeerRoomForTests(): NodePeerRoom {
  let server: SignalingServer | null = null
  let port = 0
  const peers: NodePeerProcess[] = []
  beforeAll(async () => {
    server = createSignalingServer({ port: 0, host: '127.0.0.1' })
    port = (await server.listen()).port
  })
  afterAll(async () => {
    await Promise.all(peers.map((peer) => peer.stop()))
    await server?.close()
  })
  return {
    port: () => port,
    async startPeer(link, text) {
      const peer = await startNodePeer(link, text)
      peers.push(peer)
      return peer
    },
  }
}
