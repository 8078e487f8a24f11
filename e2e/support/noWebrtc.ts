/** The status bar's word (once the copy is saved here) in a browser without WebRTC; see `SyncState` `no-webrtc`. */
export const NO_WEBRTC_TEXT =
  'This browser cannot connect to others: it has no WebRTC. To edit together, open the link in a current ' +
  'Firefox, Chrome, Edge or Safari; edits made here are saved on this device'
