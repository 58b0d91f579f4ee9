package dev.wtfallback.metrics;

import dev.wtfallback.core.FallbackListener.BlockedReason;
import dev.wtfallback.core.FallbackListener.CloseOutcome;
import dev.wtfallback.core.FallbackListener.DropReason;
import dev.wtfallback.core.FallbackListener.IngressOutcome;
import dev.wtfallback.core.FallbackListener.RefusalReason;
import dev.wtfallback.core.SkippedTransport;
import dev.wtfallback.core.Transport;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallbackMeterBinder}: scripted events, then each meter's value.
 */
class FallbackMeterBinderTests {

	private static final Transport WS = Transport.WEBSOCKET;

	private final FallbackMeterBinder binder = new FallbackMeterBinder();

	private final MeterRegistry registry = new SimpleMeterRegistry();

	@BeforeEach
	void bind() {
		this.binder.bindTo(this.registry);
	}

	@Test
	void everyDeclaredMeterIsRegisteredWithItsDescriptionAndBaseUnit() {
		for (FallbackMeters declared : FallbackMeters.values()) {
			assertThat(this.registry.find(declared.meterName()).meters()).as(declared.meterName())
				.isNotEmpty()
				.allSatisfy((meter) -> {
					assertThat(meter.getId().getDescription()).isEqualTo(declared.description());
					assertThat(meter.getId().getBaseUnit()).isEqualTo(declared.baseUnit());
					assertThat(meter.getId().getType()).isEqualTo(declared.type());
					assertThat(meter.getId().getTags()).extracting("key")
						.containsExactlyInAnyOrderElementsOf(declared.tagKeys());
				});
		}
	}

	@Test
	void meterNamesAreLowerCaseDottedUnderFallbackAndTagsNeverNameAnId() {
		for (Meter meter : this.registry.getMeters()) {
			assertThat(meter.getId().getName()).matches("fallback(\\.[a-z]+)+");
			assertThat(meter.getId().getTags()).extracting("key").doesNotContain("id", "session", "client");
		}
		assertThat(this.registry.getMeters()).hasSizeLessThan(200);
	}

	@Test
	void sessionEventsMoveTheSessionMeters() {
		this.binder.sessionOpened(WS);
		this.binder.sessionOpened(WS);
		this.binder.sessionOpened(Transport.SSE);
		this.binder.sessionClosed(WS, CloseOutcome.IDLE);
		this.binder.handshakeRefused(WS, RefusalReason.LIMIT);
		this.binder.handshakeRefused(WS, RefusalReason.ORIGIN);

		assertThat(gauge("fallback.sessions.active", "transport", "websocket")).isEqualTo(1);
		assertThat(gauge("fallback.sessions.active", "transport", "sse")).isEqualTo(1);
		assertThat(counter("fallback.sessions.opened", "transport", "websocket")).isEqualTo(2);
		assertThat(counter("fallback.sessions.closed", "transport", "websocket", "outcome", "idle")).isEqualTo(1);
		assertThat(counter("fallback.sessions.closed", "transport", "websocket", "outcome", "refused")).isEqualTo(2);
		assertThat(counter("fallback.handshakes.refused", "transport", "websocket", "reason", "limit")).isEqualTo(1);
		assertThat(counter("fallback.handshakes.refused", "transport", "websocket", "reason", "origin"))
			.isEqualTo(1);
		assertThat(counter("fallback.handshakes.refused", "transport", "websocket", "reason", "shutdown"))
			.isZero();
	}

	@Test
	void skippedTransportsAreCountedByTransportAndReason() {
		for (SkippedTransport skipped : SkippedTransport.parse("webtransport-unsupported,websocket-timeout")) {
			this.binder.transportSkipped(Transport.SSE, skipped);
		}
		this.binder.transportSkipped(WS, new SkippedTransport(Transport.WEBTRANSPORT, SkippedTransport.Reason.OTHER));

		assertThat(counter("fallback.transports.skipped", "transport", "sse", "skipped", "webtransport", "reason",
				"unsupported")).isEqualTo(1);
		assertThat(counter("fallback.transports.skipped", "transport", "sse", "skipped", "websocket", "reason",
				"timeout")).isEqualTo(1);
		assertThat(counter("fallback.transports.skipped", "transport", "websocket", "skipped", "webtransport",
				"reason", "other")).isEqualTo(1);
		assertThat(counter("fallback.transports.skipped", "transport", "websocket", "skipped", "websocket",
				"reason", "timeout")).isZero();
	}

	@Test
	void streamEventsMoveTheStreamMeters() {
		this.binder.streamOpened(WS, true, false);
		this.binder.streamOpened(WS, false, true);
		this.binder.streamOpened(WS, false, false);
		this.binder.streamClosed(WS, false);
		this.binder.streamReset(WS, true);
		this.binder.streamReset(WS, false);
		this.binder.streamReset(WS, false);

		assertThat(gauge("fallback.streams.active", "transport", "websocket")).isEqualTo(2);
		assertThat(counter("fallback.streams.opened", "transport", "websocket", "direction", "bidirectional"))
			.isEqualTo(1);
		assertThat(counter("fallback.streams.opened", "transport", "websocket", "direction", "unidirectional"))
			.isEqualTo(2);
		assertThat(counter("fallback.streams.reset", "transport", "websocket", "side", "peer")).isEqualTo(1);
		assertThat(counter("fallback.streams.reset", "transport", "websocket", "side", "local")).isEqualTo(2);
	}

	@Test
	void bytesDatagramsFlowControlAndErrorsAreCounted() {
		this.binder.bytesReceived(WS, 100);
		this.binder.bytesReceived(WS, 23);
		this.binder.bytesSent(WS, 7);
		this.binder.datagramReceived(WS);
		this.binder.datagramSent(WS);
		this.binder.datagramSent(WS);
		this.binder.datagramDropped(WS, DropReason.QUEUE_FULL);
		this.binder.senderBlocked(WS, BlockedReason.STREAM_CREDIT);
		this.binder.senderBlocked(WS, BlockedReason.SEND_BUFFER);
		this.binder.protocolError(WS, "FLOW_CONTROL_ERROR");
		this.binder.protocolError(WS, "NOT_A_QUIC_ERROR");

		assertThat(counter("fallback.bytes.received", "transport", "websocket")).isEqualTo(123);
		assertThat(counter("fallback.bytes.sent", "transport", "websocket")).isEqualTo(7);
		assertThat(counter("fallback.datagrams.received", "transport", "websocket")).isEqualTo(1);
		assertThat(counter("fallback.datagrams.sent", "transport", "websocket")).isEqualTo(2);
		assertThat(counter("fallback.datagrams.dropped", "transport", "websocket", "reason", "queue-full"))
			.isEqualTo(1);
		assertThat(counter("fallback.flow.blocked", "transport", "websocket", "reason", "stream-credit"))
			.isEqualTo(1);
		assertThat(counter("fallback.flow.blocked", "transport", "websocket", "reason", "send-buffer")).isEqualTo(1);
		assertThat(counter("fallback.protocol.errors", "transport", "websocket", "error", "FLOW_CONTROL_ERROR"))
			.isEqualTo(1);
		assertThat(counter("fallback.protocol.errors", "transport", "websocket", "error", "OTHER")).isEqualTo(1);
	}

	@Test
	void sseHubEventsAreCounted() {
		this.binder.sseClientJoined();
		this.binder.sseClientJoined();
		this.binder.sseClientLeft();
		this.binder.sseEventSent(false);
		this.binder.sseEventSent(true);
		this.binder.sseEventDropped();
		this.binder.sseSlowClientDisconnected();
		this.binder.sseReplayGap();
		this.binder.ingressMessage(IngressOutcome.ACCEPTED);
		this.binder.ingressMessage(IngressOutcome.DUPLICATE);
		this.binder.ingressMessage(IngressOutcome.DUPLICATE);
		this.binder.ingressMessage(IngressOutcome.REFUSED);

		assertThat(this.registry.get("fallback.sse.clients.active").gauge().value()).isEqualTo(1);
		assertThat(this.registry.get("fallback.sse.events.sent").functionCounter().count()).isEqualTo(2);
		assertThat(this.registry.get("fallback.sse.events.replayed").functionCounter().count()).isEqualTo(1);
		assertThat(this.registry.get("fallback.sse.events.dropped").functionCounter().count()).isEqualTo(1);
		assertThat(this.registry.get("fallback.sse.clients.slow.disconnected").functionCounter().count())
			.isEqualTo(1);
		assertThat(this.registry.get("fallback.sse.replay.gaps").functionCounter().count()).isEqualTo(1);
		assertThat(counter("fallback.sse.ingress.messages", "outcome", "accepted")).isEqualTo(1);
		assertThat(counter("fallback.sse.ingress.messages", "outcome", "duplicate")).isEqualTo(2);
		assertThat(counter("fallback.sse.ingress.messages", "outcome", "refused")).isEqualTo(1);
	}

	@Test
	void eventsBeforeBindingAreKept() {
		FallbackMeterBinder early = new FallbackMeterBinder();
		early.sessionOpened(WS);
		MeterRegistry late = new SimpleMeterRegistry();

		early.bindTo(late);

		assertThat(late.get("fallback.sessions.opened").tag("transport", "websocket").functionCounter().count())
			.isEqualTo(1);
	}

	private double gauge(String name, String... tags) {
		return this.registry.get(name).tags(tags).gauge().value();
	}

	private double counter(String name, String... tags) {
		return this.registry.get(name).tags(tags).functionCounter().count();
	}

}
