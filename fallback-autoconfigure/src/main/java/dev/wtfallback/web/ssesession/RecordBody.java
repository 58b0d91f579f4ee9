package dev.wtfallback.web.ssesession;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import dev.wtfallback.core.qmux.QmuxProtocolException;
import dev.wtfallback.core.qmux.VarInts;

/**
 * The records of one POST body: each one prefixed with its length as a QUIC variable-length
 * integer, back to back to the end of the body.
 *
 * @param records the well-formed records, in order, before any violation; slices of the body
 * @param violation what was wrong with the rest of the body, or {@code null} when every byte
 * belonged to a well-formed record
 */
record RecordBody(List<ByteBuffer> records, String violation) {

	/**
	 * Split a body into records, stopping at the first length prefix that is truncated, runs
	 * past the body or exceeds the record size limit.
	 * @param body the body
	 * @param maxRecordSize the largest record accepted
	 * @return the records, and the violation that ended the split early if any
	 */
	static RecordBody parse(byte[] body, long maxRecordSize) {
		List<ByteBuffer> records = new ArrayList<>();
		ByteBuffer buffer = ByteBuffer.wrap(body);
		while (buffer.hasRemaining()) {
			int prefixAt = buffer.position();
			long length;
			try {
				length = VarInts.read(buffer);
			}
			catch (QmuxProtocolException ex) {
				return new RecordBody(records, "the length prefix at byte " + prefixAt + " is truncated");
			}
			if (length > maxRecordSize) {
				return new RecordBody(records, "the record at byte " + prefixAt + " declares " + length
						+ " bytes, more than max_record_size " + maxRecordSize);
			}
			if (length > buffer.remaining()) {
				return new RecordBody(records, "the record at byte " + prefixAt + " declares " + length
						+ " bytes, but only " + buffer.remaining() + " follow");
			}
			records.add(buffer.slice(buffer.position(), (int) length));
			buffer.position(buffer.position() + (int) length);
		}
		return new RecordBody(records, null);
	}

}
