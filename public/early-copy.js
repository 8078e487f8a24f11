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
/* global window, indexedDB, crypto, TextEncoder, atob, btoa, setTimeout, Event */
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
  var derive = function (ikm, label) {
    return crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']).then(function (base) {
      return crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: utf8('meshpad/v2'), info: utf8(label) }, base, 256)
    })
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
    var roomKey = edit
      ? derive(key(edit[1]), 'meshpad/v2/room-key').then(function (bytes) {
          return new Uint8Array(bytes)
        })
      : Promise.resolve(key(read[1]))
    topicBytes = roomKey.then(function (bytes) {
      return derive(bytes, 'meshpad/v2/topic')
    })
    password = roomKey.then(function (bytes) {
      return derive(bytes, 'meshpad/v2/password').then(base64Url)
    })
  } else if (/^[er]1\./.test(fragment)) {
    return
  } else {
    topicBytes = crypto.subtle.digest('SHA-256', utf8('meshpad/v1/room/' + fragment))
    password = Promise.resolve(fragment)
  }

  // The room's topic (its y-webrtc room name) and signaling encryption key, as y-webrtc derives it
  // from the room's password and name (src/network/roomEncryptionKey.ts), for the session
  // (src/session/earlySignaling.ts, takeEarlyRoomKey) and for public/early-signaling.js's announce,
  // which this event tells when it ran first.
  var topic = topicBytes.then(hex)
  window.__meshpadEarlyRoomKey = {
    fragment: fragment,
    topic: topic,
    key: Promise.all([password, topic])
      .then(function (both) {
        return crypto.subtle.importKey('raw', utf8(both[0]), 'PBKDF2', false, ['deriveKey']).then(function (material) {
          var pbkdf2 = { name: 'PBKDF2', salt: utf8(both[1]), iterations: 100000, hash: 'SHA-256' }
          return crypto.subtle.deriveKey(pbkdf2, material, { name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt'])
        })
      })
      .catch(function () {
        return null
      }),
  }
  if (typeof window.dispatchEvent === 'function') window.dispatchEvent(new Event('meshpad:early-room-key'))

  var early = {}
  early.done = topicBytes
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
