package dev.wtfallback.web.sse;

/**
 * One unit of a client's outbound queue: an encoded event, a comment or a control event.
 *
 * @param position the hub position written as the event's id, or {@code -1} for no id line
 * @param body the encoded text after the id line
 * @param counted whether the frame counts against the client's queue limits; replayed and
 * control events do not, so a long replay cannot overflow a resuming client
 */
record SseFrame(long position, byte[] body, boolean counted) {

	static final SseFrame HEARTBEAT = new SseFrame(-1, SseEventEncoder.HEARTBEAT, false);

	int size() {
		return this.body.length;
	}

	byte[] bytesFor(String clientId) {
		if (this.position < 0) {
			return this.body;
		}
		byte[] id = SseEventEncoder.idLine(new SseEventId(clientId, this.position).toString());
		byte[] bytes = new byte[id.length + this.body.length];
		System.arraycopy(id, 0, bytes, 0, id.length);
		System.arraycopy(this.body, 0, bytes, id.length, this.body.length);
		return bytes;
	}

}
