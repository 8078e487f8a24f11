/**
 * y-webrtc's encryption key for a room (signaling payloads, BroadcastChannel traffic): AES-GCM
 * 256 from PBKDF2-SHA-256 of `password`, salted with the room name, 100,000 iterations — exactly
 * y-webrtc 10.3.0's `deriveKey` (`src/crypto.js`), which its package does not export. A key
 * derived ahead of the provider (see `RoomNetworkOptions.encryptionKey`) must equal it;
 * `roomEncryptionKey.contract.test.ts` pins both.
 */
export async function deriveRoomEncryptionKey(password: string, roomName: string): Promise<CryptoKey> {
  const encoder = new TextEncoder()
  const material = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', salt: encoder.encode(roomName), iterations: 100_000, hash: 'SHA-256' },
    material,
    { name: 'AES-GCM', length: 256 },
    true,
    ['encrypt', 'decrypt'],
  )
}
