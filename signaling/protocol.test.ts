import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { MAX_TOPIC_LENGTH, isValidTopic, parseClientMessage, relayFrame, serializeData, type ClientMessage } from './protocol.js'

describe('parseClientMessage', () => {
  it('accepts the four client messages of y-webrtc', () => {
    expect(parseClientMessage('{"type":"subscribe","topics":["a","b"]}')).toEqual({ type: 'subscribe', topics: ['a', 'b'] })
    expect(parseClientMessage('{"type":"unsubscribe","topics":["a"]}')).toEqual({ type: 'unsubscribe', topics: ['a'] })
    expect(parseClientMessage('{"type":"publish","topic":"a","data":"AAEC"}')).toEqual({ type: 'publish', topic: 'a', data: 'AAEC' })
    expect(parseClientMessage('{"type":"ping"}')).toEqual({ type: 'ping' })
  })

  it('accepts any JSON value as publish data, null included', () => {
    for (const data of [null, 0, false, '', [], { type: 'announce', from: 'x' }]) {
      expect(parseClientMessage(JSON.stringify({ type: 'publish', topic: 't', data }))).toEqual({ type: 'publish', topic: 't', data })
    }
  })

  it('accepts an empty topic list', () => {
    expect(parseClientMessage('{"type":"subscribe","topics":[]}')).toEqual({ type: 'subscribe', topics: [] })
  })

  it('drops unknown extra fields', () => {
    expect(parseClientMessage('{"type":"ping","extra":1}')).toEqual({ type: 'ping' })
    expect(parseClientMessage('{"type":"publish","topic":"t","data":1,"clients":99}')).toEqual({ type: 'publish', topic: 't', data: 1 })
  })

  it.each([
    ['empty frame', ''],
    ['invalid JSON', '{"type":'],
    ['not JSON', 'hello'],
    ['null', 'null'],
    ['number', '42'],
    ['string', '"ping"'],
    ['array', '[{"type":"ping"}]'],
    ['no type', '{}'],
    ['unknown type', '{"type":"hello"}'],
    ['non-string type', '{"type":5}'],
    ['server message', '{"type":"pong"}'],
    ['topics is a string', '{"type":"subscribe","topics":"x"}'],
    ['topics missing', '{"type":"subscribe"}'],
    ['topics is an object', '{"type":"unsubscribe","topics":{"0":"a"}}'],
    ['a non-string topic in the list', '{"type":"subscribe","topics":["a",5]}'],
    ['an empty topic in the list', '{"type":"subscribe","topics":["a",""]}'],
    ['topic is a number', '{"type":"publish","topic":5,"data":1}'],
    ['topic is empty', '{"type":"publish","topic":"","data":1}'],
    ['topic missing', '{"type":"publish","data":1}'],
    ['data missing', '{"type":"publish","topic":"t"}'],
    ['topic too long', JSON.stringify({ type: 'publish', topic: 'x'.repeat(MAX_TOPIC_LENGTH + 1), data: 1 })],
    ['a too long topic in the list', JSON.stringify({ type: 'subscribe', topics: ['x'.repeat(MAX_TOPIC_LENGTH + 1)] })],
  ])('returns null for %s', (_name, raw) => {
    expect(parseClientMessage(raw)).toBeNull()
  })

  it('never throws, whatever the input', () => {
    const samples = ['\u0000', '{"__proto__":{"type":"ping"}}', '{"type":"ping"', '[]'.repeat(1000), '{'.repeat(10_000)]
    for (const raw of samples) expect(() => parseClientMessage(raw)).not.toThrow()
    expect(parseClientMessage('{"__proto__":{"type":"ping"}}')).toBeNull()
  })
})

describe('isValidTopic', () => {
  it('bounds topics to 1..MAX_TOPIC_LENGTH characters', () => {
    expect(isValidTopic('a')).toBe(true)
    expect(isValidTopic('x'.repeat(MAX_TOPIC_LENGTH))).toBe(true)
    expect(isValidTopic('x'.repeat(MAX_TOPIC_LENGTH + 1))).toBe(false)
    expect(isValidTopic('')).toBe(false)
    expect(isValidTopic(undefined)).toBe(false)
  })
})

describe('the protocol is y-webrtc’s', () => {
  /** The smallest valid message of each client type we accept. */
  const SMALLEST: Record<ClientMessage['type'], object> = {
    subscribe: { topics: ['t'] },
    unsubscribe: { topics: ['t'] },
    publish: { topic: 't', data: null },
    ping: {},
    relay: { topic: 't', data: 'AA==' },
  }
  /** Meshpad's own types, which stock y-webrtc neither sends nor reads (its client ignores them). */
  const MESHPAD_ONLY = ['relay']
  // The reference is the server y-webrtc ships (bin/server.js of the installed version).
  const stockServer = readFileSync(fileURLToPath(new URL('../node_modules/y-webrtc/bin/server.js', import.meta.url)), 'utf8')
  const stockTypes = [...stockServer.matchAll(/case '([a-z]+)':/g)].map((match) => match[1] as string)

  it('accepts exactly the client message types y-webrtc’s own server handles, and Meshpad’s relay', () => {
    expect(stockTypes.length).toBeGreaterThan(0)
    expect([...stockTypes, ...MESHPAD_ONLY].sort()).toEqual(Object.keys(SMALLEST).sort())
    for (const type of stockTypes) {
      expect(parseClientMessage(JSON.stringify({ type, ...SMALLEST[type as ClientMessage['type']] }))).not.toBeNull()
    }
  })

  it('answers what y-webrtc’s own server answers: pong to ping, publish with clients added', () => {
    expect(stockServer).toContain("send(conn, { type: 'pong' })")
    expect(stockServer).toContain('message.clients = receivers.size')
    expect(JSON.parse(relayFrame('t', serializeData('AAEC')!, 2))).toEqual({ type: 'publish', topic: 't', data: 'AAEC', clients: 2 })
  })
})

describe('serializeData and relayFrame', () => {
  it('build the same JSON as serialising the relayed message', () => {
    for (const data of [null, 0, 'AAEC', { type: 'announce', from: 'x', nested: [1, { a: '"\\' }] }, ['\u2028']]) {
      const topic = 'to"pic\\\u0000'
      const frame = relayFrame(topic, serializeData(data)!, 3)
      expect(frame).toBe(JSON.stringify({ type: 'publish', topic, data, clients: 3 }))
      expect(JSON.parse(frame)).toEqual({ type: 'publish', topic, data, clients: 3 })
    }
  })

  it('returns null for data too deeply nested to serialise', () => {
    const depth = 30_000
    const message = parseClientMessage(`{"type":"publish","topic":"t","data":${'['.repeat(depth)}${']'.repeat(depth)}}`)
    expect(message).not.toBeNull()
    expect(serializeData((message as { data: unknown }).data)).toBeNull()
  })
})
