// Meshpad: opens the room's IndexedDB database and reads its stored copy while the app's script is
// still loading, so that a document opened before is in the editor's first state instead of
// arriving after the page's start-up work; src/storage/earlyCopy.ts hands the read to the session's
// local copy (or closes it). A classic script of its own: the Content-Security-Policy allows no
// inline script. The database is the one the session opens (src/storage/IndexeddbCopy.ts,
// roomDatabaseName; src/room/roomAccess.ts, accessTopic): `meshpad-` and the room's topic, the hex
// SHA-256 of `meshpad/v1/room/` and the secret for a v1 link, HKDF-SHA-256 of the room key for a
// v2 one; it is created as that store creates it. On an insecure origin (where the app stops),
// without a room in the address, or for a damaged edit or read-only link (which opens nothing:
// isDamagedV2Link) it opens nothing. It also derives the room's signaling encryption key, which
// the session's first signaling messages wait for (see window.__meshpadEarlyRoomKey below).
/* global window, indexedDB, crypto, TextEncoder, atob, btoa, setTimeout */
;(function () {
  'use strict'
  if (!window.isSecureContext || typeof indexedDB === 'undefined' || !crypto || !crypto.subtle) return
  var fragment = window.location.hash.slice(1)
  if (fragment === '') return
  var utf8 = function (text) {
    return new TextEncoder().encode(text)
  }
  // A 43-character base64url key: its 32 bytes, or null unless it is their one canonical encoding.
  var key = function (text) {
    var bytes
    try {
      bytes = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '=')
    } catch {
      return null
    }
    var back = btoa(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
    if (bytes.length !== 32 || back !== text) return null
    return Uint8Array.from(bytes, function (c) {
      return c.charCodeAt(0)
    })
  }
  // SHA-256, HMAC and HKDF computed here, synchronously: WebCrypto's would answer each step in a
  // task of its own, queued behind the app's script, and the database's name waits for them.
  // Constants: the fractional parts of the square and cube roots of the first 64 primes.
  var H0 = []
  var K = []
  for (var candidate = 2; K.length < 64; candidate++) {
    var prime = true
    for (var d = 2; d * d <= candidate; d++) if (candidate % d === 0) prime = false
    if (!prime) continue
    if (H0.length < 8) H0.push(((Math.sqrt(candidate) % 1) * 4294967296) | 0)
    K.push(((Math.cbrt(candidate) % 1) * 4294967296) | 0)
  }
  var sha256 = function (bytes) {
    var length = bytes.length
    var padded = new Uint8Array((((length + 8) >> 6) + 1) << 6)
    padded.set(bytes)
    padded[length] = 0x80
    var view = new DataView(padded.buffer)
    view.setUint32(padded.length - 4, length * 8)
    view.setUint32(padded.length - 8, Math.floor(length / 536870912))
    var h = H0.slice()
    var w = new Int32Array(64)
    for (var offset = 0; offset < padded.length; offset += 64) {
      for (var i = 0; i < 64; i++) {
        if (i < 16) w[i] = view.getInt32(offset + i * 4)
        else {
          var a = w[i - 15]
          var b = w[i - 2]
          var s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3)
          var s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10)
          w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0
        }
      }
      var v = h.slice()
      for (i = 0; i < 64; i++) {
        var e = v[4]
        var t1 = (v[7] + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & v[5]) ^ (~e & v[6])) + K[i] + w[i]) | 0
        var x = v[0]
        var t2 = ((((x >>> 2) | (x << 30)) ^ ((x >>> 13) | (x << 19)) ^ ((x >>> 22) | (x << 10))) + ((x & v[1]) ^ (x & v[2]) ^ (v[1] & v[2]))) | 0
        v = [(t1 + t2) | 0, v[0], v[1], v[2], (v[3] + t1) | 0, v[4], v[5], v[6]]
      }
      for (i = 0; i < 8; i++) h[i] = (h[i] + v[i]) | 0
    }
    var out = new DataView(new ArrayBuffer(32))
    for (i = 0; i < 8; i++) out.setInt32(i * 4, h[i])
    return new Uint8Array(out.buffer)
  }
  var concat = function (a, b) {
    var joined = new Uint8Array(a.length + b.length)
    joined.set(a)
    joined.set(b, a.length)
    return joined
  }
  var hmac = function (keyBytes, data) {
    var block = new Uint8Array(64)
    block.set(keyBytes.length > 64 ? sha256(keyBytes) : keyBytes)
    var pad = function (byte) {
      return block.map(function (k) {
        return k ^ byte
      })
    }
    return sha256(concat(pad(0x5c), sha256(concat(pad(0x36), data))))
  }
  // HKDF-SHA-256 (RFC 5869) to 32 bytes, as src/room/hkdfSha256.ts: one block of expansion.
  var derive = function (ikm, label) {
    return hmac(hmac(utf8('meshpad/v2'), ikm), concat(utf8(label), new Uint8Array([1])))
  }
  var base64Url = function (buffer) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer)))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')
  }
  var hex = function (buffer) {
    return Array.from(new Uint8Array(buffer), function (b) {
      return (b < 16 ? '0' : '') + b.toString(16)
    }).join('')
  }
  var edit = /^e1\.([A-Za-z0-9_-]{43})$/.exec(fragment)
  var read = /^r1\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(fragment)
  var topicBytes, password
  if ((edit && key(edit[1])) || (read && key(read[1]) && key(read[2]))) {
    var roomKey = edit ? derive(key(edit[1]), 'meshpad/v2/room-key') : key(read[1])
    topicBytes = derive(roomKey, 'meshpad/v2/topic')
    password = base64Url(derive(roomKey, 'meshpad/v2/password'))
  } else if (/^[er]1\./.test(fragment)) {
    return
  } else {
    topicBytes = sha256(utf8('meshpad/v1/room/' + fragment))
    password = fragment
  }

  // The room's signaling encryption key, as y-webrtc derives it from the room's password and name
  // (src/network/roomEncryptionKey.ts): src/session/earlySignaling.ts, takeEarlyRoomKey.
  window.__meshpadEarlyRoomKey = {
    fragment: fragment,
    key: crypto.subtle
      .importKey('raw', utf8(password), 'PBKDF2', false, ['deriveKey'])
      .then(function (material) {
        var pbkdf2 = { name: 'PBKDF2', salt: utf8(hex(topicBytes)), iterations: 100000, hash: 'SHA-256' }
        return crypto.subtle.deriveKey(pbkdf2, material, { name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt'])
      })
      .catch(function () {
        return null
      }),
  }

  var early = {}
  early.done = Promise.resolve(topicBytes)
    .then(function (bytes) {
      var name = 'meshpad-' + hex(bytes)
      return new Promise(function (resolve) {
        var request = indexedDB.open(name)
        request.onupgradeneeded = function () {
          var db = request.result
          if (!db.objectStoreNames.contains('updates')) db.createObjectStore('updates', { autoIncrement: true })
          if (!db.objectStoreNames.contains('custom')) db.createObjectStore('custom')
        }
        request.onerror = function () {
          resolve(null)
        }
        request.onsuccess = function () {
          var db = request.result
          db.onversionchange = function () {
            db.close()
          }
          var store = db.transaction(['updates'], 'readonly').objectStore('updates')
          var values = store.getAll()
          var keys = store.getAllKeys()
          keys.onsuccess = function () {
            resolve({ name: name, db: db, values: values.result, keys: keys.result })
          }
          keys.onerror = function () {
            db.close()
            resolve(null)
          }
        }
      })
    })
    .catch(function () {
      return null
    })
    .then(function (result) {
      early.result = result
      // Not taken within 15 s (the app failed to start): nobody will use it.
      setTimeout(function () {
        if (window.__meshpadEarlyCopy !== early) return
        delete window.__meshpadEarlyCopy
        if (result) result.db.close()
      }, 15000)
      return result
    })
  window.__meshpadEarlyCopy = early
})()
