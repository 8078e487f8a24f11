import * as encoding from 'lib0/encoding'
import type { Page } from '@playwright/test'

/**
 * Records every RTCDataChannel the page opens or accepts (`window.capturedChannels`), so a test
 * can play a tampered client that sends whatever bytes it likes on them. Give it to
 * `context.addInitScript` before the page loads.
 */
export function captureDataChannels(): void {
  const Native = window.RTCPeerConnection
  const channels: RTCDataChannel[] = []
  Object.assign(window, { capturedChannels: channels })
  const Capturing = function (config?: RTCConfiguration) {
    const pc = new Native(config)
    const create = pc.createDataChannel.bind(pc)
    pc.createDataChannel = (label, init) => {
      const channel = create(label, init)
      channels.push(channel)
      return channel
    }
    pc.addEventListener('datachannel', (event) => channels.push(event.channel))
    return pc
  } as unknown as typeof RTCPeerConnection
  Capturing.prototype = Native.prototype
  window.RTCPeerConnection = Capturing
}

/**
 * Sends each message (its bytes) `times` times on every open data channel the page captured,
 * straight onto the wire (the message layer's own `send` is not reachable from a page). Returns
 * how many channels it sent on.
 */
export async function sendRaw(page: Page, messages: readonly (readonly number[])[], times = 1): Promise<number> {
  return page.evaluate(
    ({ messages, times }) => {
      const channels = (window as unknown as { capturedChannels: RTCDataChannel[] }).capturedChannels.filter((channel) => channel.readyState === 'open')
      for (const channel of channels) {
        for (let i = 0; i < times; i++) for (const message of messages) RTCDataChannel.prototype.send.call(channel, Uint8Array.from(message))
      }
      return channels.length
    },
    { messages: messages.map((message) => [...message]), times },
  )
}

/** lib0's variable-length unsigned integer, as y-protocols writes lengths and ids. */
export function varUint(value: number): number[] {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, value)
  return [...encoding.toUint8Array(encoder)]
}

/** lib0's length-prefixed UTF-8 string, or byte array. */
export function varBytes(data: string | readonly number[]): number[] {
  const encoder = encoding.createEncoder()
  if (typeof data === 'string') encoding.writeVarString(encoder, data)
  else encoding.writeVarUint8Array(encoder, Uint8Array.from(data))
  return [...encoding.toUint8Array(encoder)]
}
