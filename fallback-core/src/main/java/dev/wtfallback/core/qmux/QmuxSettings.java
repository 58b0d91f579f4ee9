package dev.wtfallback.core.qmux;

import java.time.Duration;

/**
 * Limits one endpoint advertises and enforces on its QMux sessions. Immutable; build with
 * {@link #builder()}. The defaults match those of the {@code @moq/qmux} polyfill.
 *
 * @param maxIdleTimeout how long a session may stay silent before it is closed; the smaller
 * non-zero value of both endpoints applies, and {@link Duration#ZERO} disables it
 * @param initialMaxData connection receive window in bytes
 * @param initialMaxStreamDataBidiLocal receive window of bidirectional streams this side opens
 * @param initialMaxStreamDataBidiRemote receive window of bidirectional streams the peer opens
 * @param initialMaxStreamDataUni receive window of unidirectional streams the peer opens
 * @param initialMaxStreamsBidi how many bidirectional streams the peer may have open at once
 * @param initialMaxStreamsUni how many unidirectional streams the peer may have open at once
 * @param maxDatagramFrameSize largest DATAGRAM frame accepted, 0 to refuse datagrams
 * @param maxRecordSize largest record accepted, at least {@value #MIN_RECORD_SIZE}
 * @param sendBufferLimit bytes queued for sending before writers block
 * @param datagramQueueCapacity datagrams buffered for the application before new ones drop
 */
public record QmuxSettings(Duration maxIdleTimeout, long initialMaxData, long initialMaxStreamDataBidiLocal,
		long initialMaxStreamDataBidiRemote, long initialMaxStreamDataUni, long initialMaxStreamsBidi,
		long initialMaxStreamsUni, long maxDatagramFrameSize, long maxRecordSize, long sendBufferLimit,
		int datagramQueueCapacity) {

	/** The smallest, and default, max_record_size. */
	public static final long MIN_RECORD_SIZE = 16382;

	/** Largest value of a QUIC variable-length integer. */
	public static final long MAX_VARINT = (1L << 62) - 1;

	public QmuxSettings {
		if (maxIdleTimeout == null || maxIdleTimeout.isNegative()) {
			throw new IllegalArgumentException("maxIdleTimeout must be zero or positive, was " + maxIdleTimeout);
		}
		requireRange("initialMaxData", initialMaxData, 0, MAX_VARINT);
		requireRange("initialMaxStreamDataBidiLocal", initialMaxStreamDataBidiLocal, 0, MAX_VARINT);
		requireRange("initialMaxStreamDataBidiRemote", initialMaxStreamDataBidiRemote, 0, MAX_VARINT);
		requireRange("initialMaxStreamDataUni", initialMaxStreamDataUni, 0, MAX_VARINT);
		requireRange("initialMaxStreamsBidi", initialMaxStreamsBidi, 0, 1L << 60);
		requireRange("initialMaxStreamsUni", initialMaxStreamsUni, 0, 1L << 60);
		requireRange("maxRecordSize", maxRecordSize, MIN_RECORD_SIZE, Integer.MAX_VALUE - 8);
		requireRange("maxDatagramFrameSize", maxDatagramFrameSize, 0, maxRecordSize);
		requireRange("sendBufferLimit", sendBufferLimit, 1, MAX_VARINT);
		requireRange("datagramQueueCapacity", datagramQueueCapacity, 1, Integer.MAX_VALUE);
	}

	private static void requireRange(String name, long value, long min, long max) {
		if (value < min || value > max) {
			throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + value);
		}
	}

	/**
	 * Return the default settings.
	 * @return the defaults
	 */
	public static QmuxSettings defaults() {
		return builder().build();
	}

	/**
	 * Return a builder that starts from the defaults.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return a builder that starts from these settings.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		return new Builder().maxIdleTimeout(this.maxIdleTimeout).initialMaxData(this.initialMaxData)
			.initialMaxStreamDataBidiLocal(this.initialMaxStreamDataBidiLocal)
			.initialMaxStreamDataBidiRemote(this.initialMaxStreamDataBidiRemote)
			.initialMaxStreamDataUni(this.initialMaxStreamDataUni).initialMaxStreamsBidi(this.initialMaxStreamsBidi)
			.initialMaxStreamsUni(this.initialMaxStreamsUni).maxDatagramFrameSize(this.maxDatagramFrameSize)
			.maxRecordSize(this.maxRecordSize).sendBufferLimit(this.sendBufferLimit)
			.datagramQueueCapacity(this.datagramQueueCapacity);
	}

	/**
	 * Builder for {@link QmuxSettings}; every setter documents the field of the same name.
	 */
	public static final class Builder {

		private Duration maxIdleTimeout = Duration.ofSeconds(30);

		private long initialMaxData = 1024 * 1024;

		private long initialMaxStreamDataBidiLocal = 256 * 1024;

		private long initialMaxStreamDataBidiRemote = 256 * 1024;

		private long initialMaxStreamDataUni = 256 * 1024;

		private long initialMaxStreamsBidi = 100;

		private long initialMaxStreamsUni = 100;

		private long maxDatagramFrameSize = MIN_RECORD_SIZE;

		private long maxRecordSize = MIN_RECORD_SIZE;

		private long sendBufferLimit = 1024 * 1024;

		private int datagramQueueCapacity = 1024;

		private Builder() {
		}

		public Builder maxIdleTimeout(Duration value) {
			this.maxIdleTimeout = value;
			return this;
		}

		public Builder initialMaxData(long value) {
			this.initialMaxData = value;
			return this;
		}

		public Builder initialMaxStreamDataBidiLocal(long value) {
			this.initialMaxStreamDataBidiLocal = value;
			return this;
		}

		public Builder initialMaxStreamDataBidiRemote(long value) {
			this.initialMaxStreamDataBidiRemote = value;
			return this;
		}

		public Builder initialMaxStreamDataUni(long value) {
			this.initialMaxStreamDataUni = value;
			return this;
		}

		/**
		 * Set all three stream receive windows at once.
		 * @param value the window in bytes
		 * @return this builder
		 */
		public Builder initialMaxStreamData(long value) {
			return initialMaxStreamDataBidiLocal(value).initialMaxStreamDataBidiRemote(value)
				.initialMaxStreamDataUni(value);
		}

		public Builder initialMaxStreamsBidi(long value) {
			this.initialMaxStreamsBidi = value;
			return this;
		}

		public Builder initialMaxStreamsUni(long value) {
			this.initialMaxStreamsUni = value;
			return this;
		}

		public Builder maxDatagramFrameSize(long value) {
			this.maxDatagramFrameSize = value;
			return this;
		}

		public Builder maxRecordSize(long value) {
			this.maxRecordSize = value;
			return this;
		}

		public Builder sendBufferLimit(long value) {
			this.sendBufferLimit = value;
			return this;
		}

		public Builder datagramQueueCapacity(int value) {
			this.datagramQueueCapacity = value;
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 * @throws IllegalArgumentException if a value is out of range
		 */
		public QmuxSettings build() {
			return new QmuxSettings(this.maxIdleTimeout, this.initialMaxData, this.initialMaxStreamDataBidiLocal,
					this.initialMaxStreamDataBidiRemote, this.initialMaxStreamDataUni, this.initialMaxStreamsBidi,
					this.initialMaxStreamsUni, this.maxDatagramFrameSize, this.maxRecordSize, this.sendBufferLimit,
					this.datagramQueueCapacity);
		}

	}

}
