package dev.wtfallback.core.qmux;

import java.nio.ByteBuffer;

/**
 * Joins the fragments of one transport message into one record. A message larger than the
 * record limit is cut one byte past it, which is enough for {@link QmuxSession#onRecord} to
 * refuse it, and the rest of that message is skipped, so an oversized message never costs more
 * than one record's worth of memory.
 *
 * <p>Not thread-safe: meant for the one thread that delivers a transport's messages in order.
 */
public final class RecordAssembler {

	private final int maxRecordSize;

	private ByteBuffer fragments;

	private boolean discarding;

	/**
	 * Create an assembler.
	 * @param maxRecordSize the largest record this side accepts
	 */
	public RecordAssembler(int maxRecordSize) {
		this.maxRecordSize = maxRecordSize;
	}

	/**
	 * Take the next fragment of a message.
	 * @param fragment the fragment's bytes, read from position to limit; not kept after the call
	 * returns unless it is a whole message, which is passed on as it is
	 * @param last whether it ends the message
	 * @return the record, once a message is complete or has grown past the limit; otherwise
	 * {@code null}
	 */
	public ByteBuffer append(ByteBuffer fragment, boolean last) {
		if (this.discarding) {
			this.discarding = !last;
			return null;
		}
		if (this.fragments == null && last) {
			return fragment;
		}
		if (this.fragments == null) {
			this.fragments = ByteBuffer.allocate(this.maxRecordSize + 1);
		}
		ByteBuffer fitting = fragment.slice();
		fitting.limit(Math.min(fitting.remaining(), this.fragments.remaining()));
		this.fragments.put(fitting);
		boolean full = !this.fragments.hasRemaining();
		if (!last && !full) {
			return null;
		}
		ByteBuffer record = this.fragments.flip();
		this.fragments = null;
		this.discarding = full && !last;
		return record;
	}

}
