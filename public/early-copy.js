// Meshpad: opens the room's IndexedDB database and reads its stored copy while the app's script is
// still loading, so that a document opened before is in the editor's first state instead of
// arriving after the page's start-up work; src/storage/earlyCopy.ts hands the read to the session's
// local copy (or closes it). A classic script of its own: the Content-Security-Policy allows no
// inline script. The database is the one the session opens (src/storage/IndexeddbCopy.ts,
// roomDatabaseName; src/room/roomAccess.ts, accessTopic): `meshpad-` and the room's topic, the hex
// SHA-256 of `meshpad/v1/room/` and the secret for a v1 link, HKDF-SHA-256 of the room key for a
// v2 one; it is created as that store creates it. On an insecure origin (where the app stops),
// without a room in the address, or for a damaged edit or read-only link (which opens nothing:
// isDamagedV2Link) it opens nothing.
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
  var derive = function (ikm, label) {
    return crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']).then(function (base) {
      return crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: utf8('meshpad/v2'), info: utf8(label) }, base, 256)
    })
  }
  var edit = /^e1\.([A-Za-z0-9_-]{43})$/.exec(fragment)
  var read = /^r1\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(fragment)
  var topicBytes
  if (edit && key(edit[1])) {
    topicBytes = derive(key(edit[1]), 'meshpad/v2/room-key').then(function (roomKey) {
      return derive(new Uint8Array(roomKey), 'meshpad/v2/topic')
    })
  } else if (read && key(read[1]) && key(read[2])) {
    topicBytes = derive(key(read[1]), 'meshpad/v2/topic')
  } else if (/^[er]1\./.test(fragment)) {
    return
  } else {
    topicBytes = crypto.subtle.digest('SHA-256', utf8('meshpad/v1/room/' + fragment))
  }

  var early = {}
  early.done = topicBytes
    .then(function (bytes) {
      var name =
        'meshpad-' +
        Array.from(new Uint8Array(bytes), function (b) {
          return (b < 16 ? '0' : '') + b.toString(16)
        }).join('')
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
