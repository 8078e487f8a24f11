// Meshpad: opens the page's signaling WebSocket while the app's script is still loading, so that
// its handshake is done by the time the session starts; src/session/earlySignaling.ts hands the
// socket to the session (or closes it). A classic script of its own: the Content-Security-Policy
// allows no inline script. Its URL is signalingUrls()'s default (src/network/signalingUrls.ts);
// with `?signaling=`, on an insecure origin (where the app stops) or for a damaged edit or
// read-only link (which opens nothing: src/room/roomAccess.ts, isDamagedV2Link) it opens nothing.
// It also asks the page's server for its ICE servers (/ice-servers: src/network/iceServers.ts),
// which the session waits for before it meets peers; src/session/earlySignaling.ts hands the
// answer to it.
/* global window, WebSocket, URLSearchParams, setTimeout, fetch */
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
})()
