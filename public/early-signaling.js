// Meshpad: opens the page's signaling WebSocket while the app's script is still loading, so that
// its handshake is done by the time the session starts; src/session/earlySignaling.ts hands the
// socket to the session (or closes it). A classic script of its own: the Content-Security-Policy
// allows no inline script. Its URL is signalingUrls()'s default (src/network/signalingUrls.ts);
// with `?signaling=`, on an insecure origin (where the app stops) or for a damaged edit or
// read-only link (which opens nothing: src/room/roomAccess.ts, isDamagedV2Link) it opens nothing.
// It also asks the page's server for its ICE servers (/ice-servers: src/network/iceServers.ts),
// which the session waits for before it meets peers; src/session/earlySignaling.ts hands the
// answer to it.
// And it announces the page in its room while the app's script still loads, once the socket is
// open and public/early-copy.js has derived the room's key: as y-webrtc's room announces itself
// (announceSignalingInfo), under the peer id the session's room then takes (early.peerId), so
// the peers already there start their offers meanwhile. What arrives after that is held, in order,
// until the session's room is open to read it (early.release).
/* global window, WebSocket, URLSearchParams, setTimeout, fetch, crypto, btoa, TextEncoder, MessageEvent, RTCPeerConnection */
;(function () {
  'use strict'
  if (!window.isSecureContext || typeof WebSocket !== 'function') return
  if (new URLSearchParams(window.location.search).has('signaling')) return
  var fragment = window.location.hash.slice(1)
  var v2 = /^[er]1\./.test(fragment)
  if (v2 && !/^(e1\.[A-Za-z0-9_-]{43}|r1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43})$/.test(fragment)) return
  var url = (window.location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + window.location.host + '/signaling'
  var socket
  try {
    socket = new WebSocket(url)
  } catch {
    return
  }
  var early = { url: url, socket: socket }
  window.__meshpadEarlySignaling = early
  if (typeof fetch === 'function') {
    var iceUrl = window.location.origin + '/ice-servers'
    // The request the app would make (fetchIceServers), settled the same way: never rejected here.
    var answer = fetch(iceUrl, { cache: 'no-store', credentials: 'same-origin' })
    answer.catch(function () {})
    window.__meshpadEarlyIceServers = { url: iceUrl, answer: answer }
  }
  // Not taken within 15 s (the app failed to start): nobody will use it.
  setTimeout(function () {
    if (window.__meshpadEarlySignaling !== early) return
    delete window.__meshpadEarlySignaling
    socket.close()
  }, 15000)

  // The browser sets up its WebRTC stack on a page's first RTCPeerConnection; one made and closed
  // here, where there is a room to join, does that while the app's script loads, not in the join.
  // It sets no description, so it gathers nothing and reaches nobody.
  if (fragment !== '' && typeof RTCPeerConnection === 'function') {
    try {
      new RTCPeerConnection().close()
    } catch {
      // Without WebRTC the app says what is missing.
    }
  }
  if (typeof crypto === 'undefined' || typeof crypto.randomUUID !== 'function' || typeof socket.addEventListener !== 'function') return
  early.peerId = crypto.randomUUID()
  // Messages that came after the announce, while nobody could read them; null: none are held.
  var held = null
  socket.addEventListener('message', function (event) {
    if (held === null) return
    event.stopImmediatePropagation()
    held.push(event.data)
  })
  early.release = function () {
    var messages = held
    held = null
    if (messages === null || socket.readyState !== 1) return
    messages.forEach(function (data) {
      socket.dispatchEvent(new MessageEvent('message', { data: data }))
    })
  }
  var opened = new Promise(function (resolve) {
    if (socket.readyState === 1) resolve()
    else socket.addEventListener('open', resolve)
  })
  var roomKey = new Promise(function (resolve) {
    if (window.__meshpadEarlyRoomKey) resolve(window.__meshpadEarlyRoomKey)
    else if (typeof window.addEventListener === 'function')
      window.addEventListener(
        'meshpad:early-room-key',
        function () {
          resolve(window.__meshpadEarlyRoomKey)
        },
        { once: true },
      )
  })
  roomKey
    .then(function (room) {
      if (!room || room.fragment !== fragment || !room.topic) return
      return Promise.all([room.topic, room.key, opened]).then(function (all) {
        if (!all[1]) return
        return encryptAnnounce(all[1], early.peerId).then(function (data) {
          // Only while the socket is still this script's: once the session took it, its room announces.
          if (window.__meshpadEarlySignaling !== early || socket.readyState !== 1) return
          held = []
          socket.send(JSON.stringify({ type: 'subscribe', topics: [all[0]] }))
          socket.send(JSON.stringify({ type: 'publish', topic: all[0], data: data }))
        })
      })
    })
    .catch(function () {})

  // y-webrtc's encryptJson({ type: 'announce', from: peerId, links: 0 }) (its src/crypto.js, with
  // Meshpad's patch adding `links`), in base64 as its publishSignalingMessage sends it: the value in
  // lib0's writeAny encoding, AES-GCM-encrypted under a random 12-byte IV, framed as
  // varString('AES-GCM'), varUint8Array(iv), varUint8Array(ciphertext).
  function encryptAnnounce(key, peerId) {
    var utf8 = function (text) {
      return Array.from(new TextEncoder().encode(text))
    }
    var varUint = function (n) {
      var out = []
      while (n > 127) {
        out.push(128 | (n & 127))
        n = Math.floor(n / 128)
      }
      out.push(n)
      return out
    }
    var varBytes = function (bytes) {
      return varUint(bytes.length).concat(bytes)
    }
    var STRING = 119
    var OBJECT = 118
    var INTEGER = 125
    var plain = [OBJECT, 3]
      .concat(varBytes(utf8('type')), [STRING], varBytes(utf8('announce')))
      .concat(varBytes(utf8('from')), [STRING], varBytes(utf8(peerId)))
      .concat(varBytes(utf8('links')), [INTEGER, 0])
    var iv = crypto.getRandomValues(new Uint8Array(12))
    return crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv }, key, new Uint8Array(plain)).then(function (cipher) {
      var framed = varBytes(utf8('AES-GCM')).concat(varBytes(Array.from(iv)), varBytes(Array.from(new Uint8Array(cipher))))
      return btoa(String.fromCharCode.apply(null, framed))
    })
  }
})()
