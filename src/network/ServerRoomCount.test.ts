import { describe, expect, it } from 'vitest'
import { ServerRoomCount } from './ServerRoomCount'

type Listener = (message: { type?: unknown; topic?: unknown; clients?: unknown }) => void

class Source {
  readonly listeners = new Set<Listener>()
  on(_event: 'message', listener: Listener): void {
    this.listeners.add(listener)
  }
  off(_event: 'message', listener: Listener): void {
    this.listeners.delete(listener)
  }
  emit(message: { type?: unknown; topic?: unknown; clients?: unknown }): void {
    for (const listener of this.listeners) listener(message)
  }
}

describe('ServerRoomCount', () => {
  it("keeps the server's latest count of this room's subscribers, from any of its connections, and nothing else", () => {
    const [a, b] = [new Source(), new Source()]
    const count = new ServerRoomCount('the-topic', [a, b])
    expect(count.value).toBeUndefined()
    a.emit({ type: 'publish', topic: 'the-topic', clients: 4 })
    expect(count.value).toBe(4)
    b.emit({ type: 'publish', topic: 'the-topic', clients: 5 })
    a.emit({ type: 'publish', topic: 'another-topic', clients: 99 })
    a.emit({ type: 'publish', topic: 'the-topic', clients: '1000' })
    a.emit({ type: 'pong', topic: 'the-topic', clients: 1000 })
    expect(count.value).toBe(5)
    count.destroy()
    expect(a.listeners.size + b.listeners.size).toBe(0)
  })
})
