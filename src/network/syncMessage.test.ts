import { describe, expect, it } from 'vitest'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { readSyncMessage, writeSyncStep1, writeSyncStep2, writeUpdate } from 'y-protocols/sync'
import { isSyncStep2, syncStep1Message, WEBRTC_MESSAGE_SYNC } from './syncMessage'

function message(write: (encoder: encoding.Encoder) => void, type = WEBRTC_MESSAGE_SYNC): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, type)
  write(encoder)
  return encoding.toUint8Array(encoder)
}

describe('isSyncStep2', () => {
  const doc = new Y.Doc()
  doc.getText('content').insert(0, 'hello')

  it('recognizes sync step 2 as y-webrtc frames it', () => {
    expect(isSyncStep2(message((e) => writeSyncStep2(e, doc)))).toBe(true)
  })
  it('tells it from step 1, plain updates, awareness and garbage', () => {
    expect(isSyncStep2(message((e) => writeSyncStep1(e, doc)))).toBe(false)
    expect(isSyncStep2(message((e) => writeUpdate(e, Y.encodeStateAsUpdate(doc))))).toBe(false)
    expect(isSyncStep2(message((e) => encoding.writeVarUint(e, 1), 1))).toBe(false)
    expect(isSyncStep2(new Uint8Array([]))).toBe(false)
    expect(isSyncStep2(new Uint8Array([0xff]))).toBe(false)
  })
})

describe('syncStep1Message', () => {
  it('asks a peer for what the doc lacks, and the answer brings it', () => {
    const mine = new Y.Doc()
    const theirs = new Y.Doc()
    theirs.getText('content').insert(0, 'only they have this')
    const request = decoding.createDecoder(syncStep1Message(mine))
    expect(decoding.readVarUint(request)).toBe(WEBRTC_MESSAGE_SYNC)
    const reply = encoding.createEncoder()
    encoding.writeVarUint(reply, WEBRTC_MESSAGE_SYNC)
    readSyncMessage(request, reply, theirs, 'peer')
    const answer = encoding.toUint8Array(reply)
    expect(isSyncStep2(answer)).toBe(true)
    const decoder = decoding.createDecoder(answer)
    decoding.readVarUint(decoder)
    readSyncMessage(decoder, encoding.createEncoder(), mine, 'peer')
    expect(mine.getText('content').toString()).toBe('only they have this')
  })
})
