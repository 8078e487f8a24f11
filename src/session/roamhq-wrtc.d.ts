declare module '@roamhq/wrtc' {
  /** node-webrtc's implementation of the browser's WebRTC classes. */
  const wrtc: {
    RTCPeerConnection: typeof RTCPeerConnection
    RTCSessionDescription: typeof RTCSessionDescription
    RTCIceCandidate: typeof RTCIceCandidate
  }
  export default wrtc
}
