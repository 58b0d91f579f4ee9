package dev.wtfallback.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.wtfallback.core.FallbackListener;
import dev.wtfallback.core.SkippedTransport;
import dev.wtfallback.core.Transport;
import dev.wtfallback.core.qmux.QmuxErrorCode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Turns the events of sessions, streams and the SSE hub into the {@link FallbackMeters}.
 *
 * <p>Events are counted in adders this binder owns, and the meters read them, so counts taken
 * before {@link #bindTo(MeterRegistry)} are kept and one binder may serve several registries.
 * Every meter is registered with every value of its tags up front, for the transports this
 * library serves ({@code websocket} and {@code sse}), so each series exists from the start,
 * at zero.
 *
 * <p>Thread-safe and lock-free, as the {@link FallbackListener} contract requires: events may
 * arrive on any thread, also while a session holds its lock.
 */
public class FallbackMeterBinder implements MeterBinder, FallbackListener {

	/** Transports whose meters are registered. */
	private static final List<Transport> TRANSPORTS = List.of(Transport.WEBSOCKET, Transport.SSE);

	private static final List<String> OUTCOMES = concat(tagValues(CloseOutcome.values()), "refused");

	private static final List<String> ERRORS = concat(
			Arrays.stream(QmuxErrorCode.values()).map(QmuxErrorCode::name).toList(), "OTHER");

	private static final int REFUSED = CloseOutcome.values().length;

	private final AtomicLong[] activeSessions = gauges();

	private final AtomicLong[] activeStreams = gauges();

	private final AtomicLong sseClients = new AtomicLong();

	/** Transports a client can skip: those better than the last one, in {@link Transport} order. */
	private static final List<Transport> SKIPPABLE = List.of(Transport.WEBTRANSPORT, Transport.WEBSOCKET);

	private final Counters opened = new Counters(FallbackMeters.SESSIONS_OPENED);

	private final Counters skipped = new Counters(FallbackMeters.TRANSPORTS_SKIPPED, SKIPPABLE.stream()
		.flatMap((transport) -> tagValues(SkippedTransport.Reason.values()).stream()
			.map((reason) -> transport.wireName() + "|" + reason))
		.toList());

	private final Counters closed = new Counters(FallbackMeters.SESSIONS_CLOSED, OUTCOMES);

	private final Counters refused = new Counters(FallbackMeters.HANDSHAKES_REFUSED,
			tagValues(RefusalReason.values()));

	private final Counters streamsOpened = new Counters(FallbackMeters.STREAMS_OPENED,
			List.of("bidirectional", "unidirectional"));

	private final Counters streamsReset = new Counters(FallbackMeters.STREAMS_RESET, List.of("local", "peer"));

	private final Counters bytesReceived = new Counters(FallbackMeters.BYTES_RECEIVED);

	private final Counters bytesSent = new Counters(FallbackMeters.BYTES_SENT);

	private final Counters datagramsReceived = new Counters(FallbackMeters.DATAGRAMS_RECEIVED);

	private final Counters datagramsSent = new Counters(FallbackMeters.DATAGRAMS_SENT);

	private final Counters datagramsDropped = new Counters(FallbackMeters.DATAGRAMS_DROPPED,
			tagValues(DropReason.values()));

	private final Counters blocked = new Counters(FallbackMeters.FLOW_BLOCKED, tagValues(BlockedReason.values()));

	private final Counters protocolErrors = new Counters(FallbackMeters.PROTOCOL_ERRORS, ERRORS);

	private final Counters sseSent = new Counters(FallbackMeters.SSE_EVENTS_SENT);

	private final Counters sseReplayed = new Counters(FallbackMeters.SSE_EVENTS_REPLAYED);

	private final Counters sseDropped = new Counters(FallbackMeters.SSE_EVENTS_DROPPED);

	private final Counters sseSlow = new Counters(FallbackMeters.SSE_SLOW_CLIENTS_DISCONNECTED);

	private final Counters sseGaps = new Counters(FallbackMeters.SSE_REPLAY_GAPS);

	private final Counters ingress = new Counters(FallbackMeters.SSE_INGRESS_MESSAGES,
			tagValues(IngressOutcome.values()));

	@Override
	public void bindTo(MeterRegistry registry) {
		for (Transport transport : TRANSPORTS) {
			gauge(registry, FallbackMeters.SESSIONS_ACTIVE, transport, this.activeSessions[transport.ordinal()]);
			gauge(registry, FallbackMeters.STREAMS_ACTIVE, transport, this.activeStreams[transport.ordinal()]);
		}
		gauge(registry, FallbackMeters.SSE_CLIENTS_ACTIVE, null, this.sseClients);
		for (Counters counters : List.of(this.opened, this.skipped, this.closed, this.refused, this.streamsOpened,
				this.streamsReset, this.bytesReceived, this.bytesSent, this.datagramsReceived, this.datagramsSent,
				this.datagramsDropped, this.blocked, this.protocolErrors, this.sseSent, this.sseReplayed,
				this.sseDropped, this.sseSlow, this.sseGaps, this.ingress)) {
			counters.bindTo(registry);
		}
	}

	// Sessions and handshakes

	@Override
	public void transportSkipped(Transport transport, SkippedTransport skipped) {
		int index = SKIPPABLE.indexOf(skipped.transport());
		if (index >= 0) {
			this.skipped.add(transport, index * SkippedTransport.Reason.values().length + skipped.reason().ordinal(),
					1);
		}
	}

	@Override
	public void handshakeRefused(Transport transport, RefusalReason reason) {
		this.refused.add(transport, reason.ordinal(), 1);
		this.closed.add(transport, REFUSED, 1);
	}

	@Override
	public void sessionOpened(Transport transport) {
		this.activeSessions[transport.ordinal()].incrementAndGet();
		this.opened.add(transport, 0, 1);
	}

	@Override
	public void sessionClosed(Transport transport, CloseOutcome outcome) {
		this.activeSessions[transport.ordinal()].decrementAndGet();
		this.closed.add(transport, outcome.ordinal(), 1);
	}

	// Streams

	@Override
	public void streamOpened(Transport transport, boolean bidirectional, boolean local) {
		this.activeStreams[transport.ordinal()].incrementAndGet();
		this.streamsOpened.add(transport, bidirectional ? 0 : 1, 1);
	}

	@Override
	public void streamClosed(Transport transport, boolean bidirectional) {
		this.activeStreams[transport.ordinal()].decrementAndGet();
	}

	@Override
	public void streamReset(Transport transport, boolean byPeer) {
		this.streamsReset.add(transport, byPeer ? 1 : 0, 1);
	}

	// Bytes, datagrams, flow control and errors

	@Override
	public void bytesReceived(Transport transport, long bytes) {
		this.bytesReceived.add(transport, 0, bytes);
	}

	@Override
	public void bytesSent(Transport transport, long bytes) {
		this.bytesSent.add(transport, 0, bytes);
	}

	@Override
	public void datagramReceived(Transport transport) {
		this.datagramsReceived.add(transport, 0, 1);
	}

	@Override
	public void datagramSent(Transport transport) {
		this.datagramsSent.add(transport, 0, 1);
	}

	@Override
	public void datagramDropped(Transport transport, DropReason reason) {
		this.datagramsDropped.add(transport, reason.ordinal(), 1);
	}

	@Override
	public void senderBlocked(Transport transport, BlockedReason reason) {
		this.blocked.add(transport, reason.ordinal(), 1);
	}

	@Override
	public void protocolError(Transport transport, String errorName) {
		int index = ERRORS.indexOf(errorName);
		this.protocolErrors.add(transport, (index >= 0) ? index : ERRORS.size() - 1, 1);
	}

	// SSE hub

	@Override
	public void sseClientJoined() {
		this.sseClients.incrementAndGet();
	}

	@Override
	public void sseClientLeft() {
		this.sseClients.decrementAndGet();
	}

	@Override
	public void sseEventSent(boolean replayed) {
		this.sseSent.add(null, 0, 1);
		if (replayed) {
			this.sseReplayed.add(null, 0, 1);
		}
	}

	@Override
	public void sseEventDropped() {
		this.sseDropped.add(null, 0, 1);
	}

	@Override
	public void sseSlowClientDisconnected() {
		this.sseSlow.add(null, 0, 1);
	}

	@Override
	public void sseReplayGap() {
		this.sseGaps.add(null, 0, 1);
	}

	@Override
	public void ingressMessage(IngressOutcome outcome) {
		this.ingress.add(null, outcome.ordinal(), 1);
	}

	// Helpers

	private static void gauge(MeterRegistry registry, FallbackMeters meter, @Nullable Transport transport,
			AtomicLong value) {
		Gauge.builder(meter.meterName(), value, AtomicLong::get)
			.description(meter.description())
			.baseUnit(meter.baseUnit())
			.tags((transport != null) ? Tags.of("transport", transport.wireName()) : Tags.empty())
			.register(registry);
	}

	private static AtomicLong[] gauges() {
		AtomicLong[] gauges = new AtomicLong[Transport.values().length];
		Arrays.setAll(gauges, (index) -> new AtomicLong());
		return gauges;
	}

	/**
	 * Return the tag value of each constant: its name in lower case, words joined by hyphens.
	 */
	private static List<String> tagValues(Enum<?>[] constants) {
		return Arrays.stream(constants).map((constant) -> constant.name().toLowerCase(Locale.ROOT).replace('_', '-'))
			.toList();
	}

	private static List<String> concat(List<String> values, String last) {
		List<String> all = new ArrayList<>(values);
		all.add(last);
		return List.copyOf(all);
	}

	/**
	 * The counts of one counter meter, per transport when the meter has a {@code transport}
	 * tag, and per value of its other tag, if it has one.
	 */
	private static final class Counters {

		private final FallbackMeters meter;

		private final boolean byTransport;

		private final List<String> values;

		private final LongAdder[][] cells;

		Counters(FallbackMeters meter) {
			this(meter, List.of(""));
		}

		Counters(FallbackMeters meter, List<String> values) {
			this.meter = meter;
			this.byTransport = meter.tagKeys().contains("transport");
			this.values = values;
			this.cells = new LongAdder[this.byTransport ? Transport.values().length : 1][values.size()];
			for (LongAdder[] row : this.cells) {
				Arrays.setAll(row, (index) -> new LongAdder());
			}
		}

		void add(@Nullable Transport transport, int value, long amount) {
			this.cells[this.byTransport ? transport.ordinal() : 0][value].add(amount);
		}

		void bindTo(MeterRegistry registry) {
			if (!this.byTransport) {
				register(registry, null, this.cells[0]);
				return;
			}
			for (Transport transport : TRANSPORTS) {
				register(registry, transport, this.cells[transport.ordinal()]);
			}
		}

		private void register(MeterRegistry registry, @Nullable Transport transport, LongAdder[] row) {
			// A meter with several tags besides the transport lists each value as "a|b".
			List<String> valueKeys = this.meter.tagKeys().stream().filter((key) -> !"transport".equals(key))
				.toList();
			for (int i = 0; i < row.length; i++) {
				Tags tags = (transport != null) ? Tags.of("transport", transport.wireName()) : Tags.empty();
				String[] values = this.values.get(i).split("\\|");
				for (int key = 0; key < valueKeys.size(); key++) {
					tags = tags.and(valueKeys.get(key), values[key]);
				}
				FunctionCounter.builder(this.meter.meterName(), row[i], LongAdder::sum)
					.description(this.meter.description())
					.baseUnit(this.meter.baseUnit())
					.tags(tags)
					.register(registry);
			}
		}

	}

}
