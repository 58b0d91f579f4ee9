package dev.wtfallback.autoconfigure.websocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.wtfallback.core.qmux.QmuxSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties of the QMux-over-WebSocket endpoint.
 *
 * <p>Values are checked when they are bound: an invalid one fails startup with a message that
 * names the property. {@link #toSettings()} is the one place that turns them into
 * {@link QmuxSettings}.
 */
@ConfigurationProperties("fallback.websocket")
public class WebSocketFallbackProperties implements Validator {

	private static final String PREFIX = "fallback.websocket.";

	/** Characters of an HTTP token, which every subprotocol must be. */
	private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

	/**
	 * Whether to serve QMux sessions over WebSocket.
	 */
	private boolean enabled = true;

	/**
	 * Path of the WebSocket endpoint.
	 */
	private String path = "/wt";

	/**
	 * Application protocols, best first. Each one is accepted as the subprotocols
	 * "qmux-02.<protocol>" and "qmux-01.<protocol>"; the server picks by this order, not the
	 * client's.
	 */
	private List<String> protocols = new ArrayList<>();

	/**
	 * Whether to refuse clients that offer only bare version subprotocols such as "qmux-02".
	 * Requires at least one application protocol.
	 */
	private boolean requireProtocol;

	/**
	 * Maximum time a session may stay silent before it is closed. The smaller non-zero value
	 * of both sides applies; zero disables the timeout.
	 */
	private Duration idleTimeout = Duration.ofSeconds(30);

	/**
	 * Maximum bytes a client may send on all streams of a session before the server grants
	 * more credit.
	 */
	private DataSize initialMaxData = DataSize.ofMegabytes(1);

	/**
	 * Maximum bytes a client may send on one stream before the server grants more credit.
	 * The three per-kind properties override it.
	 */
	private DataSize initialMaxStreamData = DataSize.ofKilobytes(256);

	/**
	 * Maximum bytes a client may send on a bidirectional stream the server opened before
	 * more credit is granted. Defaults to initial-max-stream-data.
	 */
	private DataSize initialMaxStreamDataBidiLocal;

	/**
	 * Maximum bytes a client may send on a bidirectional stream it opened before more credit
	 * is granted. Defaults to initial-max-stream-data.
	 */
	private DataSize initialMaxStreamDataBidiRemote;

	/**
	 * Maximum bytes a client may send on a unidirectional stream before more credit is
	 * granted. Defaults to initial-max-stream-data.
	 */
	private DataSize initialMaxStreamDataUni;

	/**
	 * Maximum number of bidirectional streams a client may have open at once.
	 */
	private long maxStreamsBidi = 100;

	/**
	 * Maximum number of unidirectional streams a client may have open at once.
	 */
	private long maxStreamsUni = 100;

	/**
	 * Maximum size of a DATAGRAM frame accepted from a client, at most max-record-size. Zero
	 * refuses datagrams.
	 */
	private DataSize maxDatagramFrameSize = DataSize.ofBytes(16382);

	/**
	 * Maximum size of a QMux record, that is of one binary WebSocket message, accepted from a
	 * client. At least 16382B; the WebSocket message size limit of each session is raised to
	 * fit.
	 */
	private DataSize maxRecordSize = DataSize.ofBytes(16382);

	/**
	 * Maximum bytes queued for sending on a session before writers block.
	 */
	private DataSize sendBufferLimit = DataSize.ofMegabytes(1);

	/**
	 * Maximum number of received datagrams buffered for the application; further datagrams
	 * are dropped and counted.
	 */
	private int datagramQueueCapacity = 1024;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public List<String> getProtocols() {
		return this.protocols;
	}

	public void setProtocols(List<String> protocols) {
		this.protocols = protocols;
	}

	public boolean isRequireProtocol() {
		return this.requireProtocol;
	}

	public void setRequireProtocol(boolean requireProtocol) {
		this.requireProtocol = requireProtocol;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public DataSize getInitialMaxData() {
		return this.initialMaxData;
	}

	public void setInitialMaxData(DataSize initialMaxData) {
		this.initialMaxData = initialMaxData;
	}

	public DataSize getInitialMaxStreamData() {
		return this.initialMaxStreamData;
	}

	public void setInitialMaxStreamData(DataSize initialMaxStreamData) {
		this.initialMaxStreamData = initialMaxStreamData;
	}

	public DataSize getInitialMaxStreamDataBidiLocal() {
		return this.initialMaxStreamDataBidiLocal;
	}

	public void setInitialMaxStreamDataBidiLocal(DataSize initialMaxStreamDataBidiLocal) {
		this.initialMaxStreamDataBidiLocal = initialMaxStreamDataBidiLocal;
	}

	public DataSize getInitialMaxStreamDataBidiRemote() {
		return this.initialMaxStreamDataBidiRemote;
	}

	public void setInitialMaxStreamDataBidiRemote(DataSize initialMaxStreamDataBidiRemote) {
		this.initialMaxStreamDataBidiRemote = initialMaxStreamDataBidiRemote;
	}

	public DataSize getInitialMaxStreamDataUni() {
		return this.initialMaxStreamDataUni;
	}

	public void setInitialMaxStreamDataUni(DataSize initialMaxStreamDataUni) {
		this.initialMaxStreamDataUni = initialMaxStreamDataUni;
	}

	public long getMaxStreamsBidi() {
		return this.maxStreamsBidi;
	}

	public void setMaxStreamsBidi(long maxStreamsBidi) {
		this.maxStreamsBidi = maxStreamsBidi;
	}

	public long getMaxStreamsUni() {
		return this.maxStreamsUni;
	}

	public void setMaxStreamsUni(long maxStreamsUni) {
		this.maxStreamsUni = maxStreamsUni;
	}

	public DataSize getMaxDatagramFrameSize() {
		return this.maxDatagramFrameSize;
	}

	public void setMaxDatagramFrameSize(DataSize maxDatagramFrameSize) {
		this.maxDatagramFrameSize = maxDatagramFrameSize;
	}

	public DataSize getMaxRecordSize() {
		return this.maxRecordSize;
	}

	public void setMaxRecordSize(DataSize maxRecordSize) {
		this.maxRecordSize = maxRecordSize;
	}

	public DataSize getSendBufferLimit() {
		return this.sendBufferLimit;
	}

	public void setSendBufferLimit(DataSize sendBufferLimit) {
		this.sendBufferLimit = sendBufferLimit;
	}

	public int getDatagramQueueCapacity() {
		return this.datagramQueueCapacity;
	}

	public void setDatagramQueueCapacity(int datagramQueueCapacity) {
		this.datagramQueueCapacity = datagramQueueCapacity;
	}

	/**
	 * Return the session limits these properties describe.
	 * @return the settings
	 * @throws IllegalArgumentException if a value is out of range; bound properties were
	 * checked before, with messages naming the property
	 */
	public QmuxSettings toSettings() {
		return QmuxSettings.builder()
			.maxIdleTimeout(this.idleTimeout)
			.initialMaxData(this.initialMaxData.toBytes())
			.initialMaxStreamDataBidiLocal(streamData(this.initialMaxStreamDataBidiLocal))
			.initialMaxStreamDataBidiRemote(streamData(this.initialMaxStreamDataBidiRemote))
			.initialMaxStreamDataUni(streamData(this.initialMaxStreamDataUni))
			.initialMaxStreamsBidi(this.maxStreamsBidi)
			.initialMaxStreamsUni(this.maxStreamsUni)
			.maxDatagramFrameSize(this.maxDatagramFrameSize.toBytes())
			.maxRecordSize(this.maxRecordSize.toBytes())
			.sendBufferLimit(this.sendBufferLimit.toBytes())
			.datagramQueueCapacity(this.datagramQueueCapacity)
			.build();
	}

	private long streamData(DataSize override) {
		return ((override != null) ? override : this.initialMaxStreamData).toBytes();
	}

	@Override
	public boolean supports(Class<?> type) {
		return WebSocketFallbackProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		WebSocketFallbackProperties properties = (WebSocketFallbackProperties) target;
		properties.validateEndpoint(errors);
		properties.validateLimits(errors);
	}

	private void validateEndpoint(Errors errors) {
		if (this.path == null || !this.path.startsWith("/")) {
			reject(errors, "path", "must start with '/', was '" + this.path + "'");
		}
		for (String protocol : this.protocols) {
			if (protocol == null || !TOKEN.matcher(protocol).matches()) {
				reject(errors, "protocols", "must hold HTTP tokens without spaces, commas or slashes, was '"
						+ protocol + "'");
			}
		}
		if (this.requireProtocol && this.protocols.isEmpty()) {
			reject(errors, "requireProtocol", "is true, but " + PREFIX
					+ "protocols is empty, so every client would be refused");
		}
	}

	private void validateLimits(Errors errors) {
		if (this.idleTimeout == null || this.idleTimeout.isNegative()) {
			reject(errors, "idleTimeout", "must be zero or positive, was " + this.idleTimeout);
		}
		requireSize(errors, "initialMaxData", this.initialMaxData, 0, QmuxSettings.MAX_VARINT);
		requireSize(errors, "initialMaxStreamData", this.initialMaxStreamData, 0, QmuxSettings.MAX_VARINT);
		requireOptionalSize(errors, "initialMaxStreamDataBidiLocal", this.initialMaxStreamDataBidiLocal);
		requireOptionalSize(errors, "initialMaxStreamDataBidiRemote", this.initialMaxStreamDataBidiRemote);
		requireOptionalSize(errors, "initialMaxStreamDataUni", this.initialMaxStreamDataUni);
		requireRange(errors, "maxStreamsBidi", this.maxStreamsBidi, 0, 1L << 60);
		requireRange(errors, "maxStreamsUni", this.maxStreamsUni, 0, 1L << 60);
		requireSize(errors, "maxRecordSize", this.maxRecordSize, QmuxSettings.MIN_RECORD_SIZE,
				Integer.MAX_VALUE - 8);
		requireSize(errors, "maxDatagramFrameSize", this.maxDatagramFrameSize, 0, Integer.MAX_VALUE - 8);
		requireSize(errors, "sendBufferLimit", this.sendBufferLimit, 1, QmuxSettings.MAX_VARINT);
		requireRange(errors, "datagramQueueCapacity", this.datagramQueueCapacity, 1, Integer.MAX_VALUE);
	}

	private static void requireOptionalSize(Errors errors, String field, DataSize value) {
		if (value != null) {
			requireSize(errors, field, value, 0, QmuxSettings.MAX_VARINT);
		}
	}

	private static void requireSize(Errors errors, String field, DataSize value, long min, long max) {
		if (value == null) {
			reject(errors, field, "must be set");
			return;
		}
		if (value.toBytes() < min || value.toBytes() > max) {
			reject(errors, field, "must be between " + min + "B and " + max + "B, was " + value);
		}
	}

	private static void requireRange(Errors errors, String field, long value, long min, long max) {
		if (value < min || value > max) {
			reject(errors, field, "must be between " + min + " and " + max + ", was " + value);
		}
	}

	private static void reject(Errors errors, String field, String reason) {
		String key = PREFIX + field.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
		errors.rejectValue(field, "invalid", key + " " + reason);
	}

}
