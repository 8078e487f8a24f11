import { describe, expect, it } from 'vitest'
import { TopicRegistry } from './topicRegistry.js'

describe('TopicRegistry', () => {
  it('indexes subscriptions both ways and deletes empty topics', () => {
    const registry = new TopicRegistry<string>()
    registry.subscribe('t1', 'a')
    registry.subscribe('t1', 'a')
    registry.subscribe('t1', 'b')
    registry.subscribe('t2', 'a')
    expect(registry.size).toBe(2)
    expect(registry.subscriptions).toBe(3)
    expect([...registry.subscribersOf('t1')]).toEqual(['a', 'b'])
    expect(registry.topicCountOf('a')).toBe(2)

    registry.unsubscribe('t1', 'b')
    registry.unsubscribe('t1', 'b')
    registry.unsubscribe('nope', 'a')
    expect(registry.subscriptions).toBe(2)

    registry.unsubscribeAll('a')
    expect(registry.size).toBe(0)
    expect(registry.subscriptions).toBe(0)
    expect(registry.topicCountOf('a')).toBe(0)
    expect(registry.subscribersOf('t1').size).toBe(0)
    expect(registry.has('t2', 'a')).toBe(false)
  })
})

describe('TopicRegistry events', () => {
  it('reports a topic opened on its first subscriber and closed after its last', () => {
    const events: string[] = []
    const registry = new TopicRegistry<string>({ opened: (topic) => events.push(`+${topic}`), closed: (topic) => events.push(`-${topic}`) })
    registry.subscribe('t1', 'a')
    registry.subscribe('t1', 'b')
    registry.subscribe('t1', 'b')
    registry.subscribe('t2', 'a')
    expect(events).toEqual(['+t1', '+t2'])
    expect(registry.hasTopic('t1')).toBe(true)
    expect([...registry.topics()]).toEqual(['t1', 't2'])
    registry.unsubscribe('t1', 'a')
    registry.unsubscribe('t1', 'a')
    expect(events).toEqual(['+t1', '+t2'])
    registry.unsubscribeAll('a')
    registry.unsubscribeAll('b')
    expect(events).toEqual(['+t1', '+t2', '-t2', '-t1'])
    expect(registry.hasTopic('t1')).toBe(false)
  })
})
