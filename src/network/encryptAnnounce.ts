// @ts-expect-error -- y-webrtc exports no path but its entry; its types for this file are applied below.
import { encryptJson as untypedEncryptJson } from '../../node_modules/y-webrtc/src/crypto.js'

const encryptJson: typeof import('../../node_modules/y-webrtc/dist/src/crypto').encryptJson = untypedEncryptJson

/**
 * y-webrtc's announce of the peer `peerId` in a room whose encryption key is `key` (see
 * `deriveRoomEncryptionKey`), as the `data` of the `publish` its `publishSignalingMessage` sends:
 * the message of `announceSignalingInfo` with Meshpad's `links`, the announcer's direct link count
 * (see `Announcer`), through y-webrtc's own `encryptJson`, in base64. The page's early script
 * publishes it (no links yet) before the session's room exists (src/early/earlySignaling.entry.ts);
 * `earlyAnnounce.contract.test.ts` checks that a room takes it.
 */
export async function encryptAnnounce(key: CryptoKey, peerId: string, links = 0): Promise<string> {
  const data = await encryptJson({ type: 'announce', from: peerId, links }, key)
  let binary = ''
  for (const byte of data) binary += String.fromCharCode(byte)
  return btoa(binary)
}
