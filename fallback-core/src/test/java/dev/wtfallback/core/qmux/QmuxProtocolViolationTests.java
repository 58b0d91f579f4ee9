package dev.wtfallback.core.qmux;

import java.nio.ByteBuffer;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.wtfallback.core.CloseInfo;
import dev.wtfallback.core.qmux.Frame.CloseFrame;
import dev.wtfallback.core.qmux.Frame.DatagramFrame;
import dev.wtfallback.core.qmux.Frame.LimitFrame;
import dev.wtfallback.core.qmux.Frame.PingFrame;
import dev.wtfallback.core.qmux.Frame.ResetStreamAtFrame;
import dev.wtfallback.core.qmux.Frame.ResetStreamFrame;
import dev.wtfallback.core.qmux.Frame.StopSendingFrame;
import dev.wtfallback.core.qmux.Frame.StreamFrame;
import dev.wtfallback.core.qmux.Frame.StreamLimitFrame;
import dev.wtfallback.core.qmux.Frame.TransportParametersFrame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a server session answers each kind of peer misbehaviour with CONNECTION_CLOSE
 * and the QUIC error code for it, and that well-formed edge cases are accepted.
 */
@Timeout(30)
class QmuxProtocolViolationTests {

	private static final QmuxSettings SETTINGS = QmuxSettings.builder().initialMaxStreamData(1000)
		.initialMaxStreamsBidi(2).initialMaxStreamsUni(2).build();

	@Test
	void sessionSendsItsTransportParametersFirst() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(SETTINGS)) {
			Frame first = peer.received.poll(5, java.util.concurrent.TimeUnit.SECONDS);

			assertThat(first).isInstanceOfSatisfying(TransportParametersFrame.class,
					(frame) -> assertThat(frame.parameters()).isEqualTo(TransportParameters.of(SETTINGS)));
		}
	}

	@Test
	void frameBeforeTransportParametersIsAProtocolViolation() throws Exception {
		assertViolation(QmuxErrorCode.PROTOCOL_VIOLATION, false, new LimitFrame(Frame.MAX_DATA, 10));
	}

	@Test
	void secondTransportParametersIsAProtocolViolation() throws Exception {
		assertViolation(QmuxErrorCode.PROTOCOL_VIOLATION, true,
				new TransportParametersFrame(TransportParameters.of(SETTINGS)));
	}

	@Test
	void unknownFrameTypeIsAFrameEncodingError() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(SETTINGS)) {
			peer.handshake();
			peer.sendBytes(0x2a, 0x00);

			assertClosedWith(peer, QmuxErrorCode.FRAME_ENCODING_ERROR);
		}
	}

	@Test
	void truncatedVarIntIsAFrameEncodingError() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(SETTINGS)) {
			peer.handshake();
			peer.sendBytes(0x10, 0x80, 0x00);

			assertClosedWith(peer, QmuxErrorCode.FRAME_ENCODING_ERROR);
		}
	}

	@Test
	void dataPastTheStreamWindowIsAFlowControlError() throws Exception {
		assertViolation(QmuxErrorCode.FLOW_CONTROL_ERROR, true, stream(0, 0, 1001, false));
	}

	@Test
	void dataPastTheConnectionWindowIsAFlowControlError() throws Exception {
		QmuxSettings settings = SETTINGS.toBuilder().initialMaxData(1500).build();
		try (ScriptedPeer peer = new ScriptedPeer(settings)) {
			peer.handshake();
			peer.sendFrames(stream(0, 0, 1000, false), stream(4, 0, 501, false));

			assertClosedWith(peer, QmuxErrorCode.FLOW_CONTROL_ERROR);
		}
	}

	@Test
	void streamBeyondTheLimitIsAStreamLimitError() throws Exception {
		assertViolation(QmuxErrorCode.STREAM_LIMIT_ERROR, true, stream(8, 0, 1, false));
	}

	@Test
	void streamFrameOnAServerUnidirectionalStreamIsAStreamStateError() throws Exception {
		assertViolation(QmuxErrorCode.STREAM_STATE_ERROR, true, stream(3, 0, 1, false));
	}

	@Test
	void frameForAServerStreamNotYetOpenedIsAStreamStateError() throws Exception {
		assertViolation(QmuxErrorCode.STREAM_STATE_ERROR, true, new StreamLimitFrame(Frame.MAX_STREAM_DATA, 1, 99));
	}

	@Test
	void stopSendingOnAClientUnidirectionalStreamIsAStreamStateError() throws Exception {
		assertViolation(QmuxErrorCode.STREAM_STATE_ERROR, true, new StopSendingFrame(2, 0));
	}

	@Test
	void changedFinalSizeIsAFinalSizeError() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(SETTINGS)) {
			peer.handshake();
			peer.sendFrames(stream(0, 0, 10, true), stream(0, 10, 5, false));

			assertClosedWith(peer, QmuxErrorCode.FINAL_SIZE_ERROR);
		}
	}

	@Test
	void gapInStreamOffsetsIsAProtocolViolation() throws Exception {
		assertViolation(QmuxErrorCode.PROTOCOL_VIOLATION, true, stream(0, 10, 5, false));
	}

	@Test
	void datagramLargerThanAdvertisedIsAProtocolViolation() throws Exception {
		QmuxSettings settings = SETTINGS.toBuilder().maxDatagramFrameSize(100).build();
		try (ScriptedPeer peer = new ScriptedPeer(settings)) {
			peer.handshake();
			peer.sendFrames(new DatagramFrame(ByteBuffer.allocate(100)));

			assertClosedWith(peer, QmuxErrorCode.PROTOCOL_VIOLATION);
		}
	}

	@Test
	void datagramWhenNoneWereAdvertisedIsAProtocolViolation() throws Exception {
		QmuxSettings settings = SETTINGS.toBuilder().maxDatagramFrameSize(0).build();
		try (ScriptedPeer peer = new ScriptedPeer(settings)) {
			peer.handshake();
			peer.sendFrames(new DatagramFrame(ByteBuffer.allocate(1)));

			assertClosedWith(peer, QmuxErrorCode.PROTOCOL_VIOLATION);
		}
	}

	@Test
	void recordLargerThanAdvertisedIsAProtocolViolation() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(SETTINGS)) {
			peer.handshake();
			peer.session.onRecord(ByteBuffer.allocate((int) QmuxSettings.MIN_RECORD_SIZE + 1));

			assertClosedWith(peer, QmuxErrorCode.PROTOCOL_VIOLATION);
		}
	}

	@Test
	void textMessageIsAProtocolViolation() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(SETTINGS)) {
			peer.handshake();
			peer.session.onTextMessage();

			assertClosedWith(peer, QmuxErrorCode.PROTOCOL_VIOLATION);
		}
	}

	@Test
	void resetStreamAtIsRefusedSinceItWasNotAdvertised() throws Exception {
		assertViolation(QmuxErrorCode.PROTOCOL_VIOLATION, true, new ResetStreamAtFrame(0, 1, 5, 2));
	}

	@Test
	void pingSequenceThatDoesNotIncreaseIsAProtocolViolationOnDraft02() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(SETTINGS)) {
			peer.handshake();
			peer.sendFrames(new PingFrame(false, 5));
			peer.await(PingFrame.class, (frame) -> frame.response() && frame.sequence() == 5);
			peer.sendFrames(new PingFrame(false, 5));

			assertClosedWith(peer, QmuxErrorCode.PROTOCOL_VIOLATION);
		}
	}

	@Test
	void streamCountAboveTwoToTheSixtyIsAFrameEncodingError() throws Exception {
		assertViolation(QmuxErrorCode.FRAME_ENCODING_ERROR, true,
				new LimitFrame(Frame.MAX_STREAMS_BIDI, (1L << 60) + 1));
	}

	@Test
	void resetWithFinalSizeBelowWhatArrivedIsTolerated() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(SETTINGS)) {
			peer.handshake();
			peer.sendFrames(stream(0, 0, 10, false), new ResetStreamFrame(0, 3, 0));
			peer.sendFrames(stream(4, 0, 1, true));

			assertThat(peer.session.isOpen()).isTrue();
		}
	}

	@Test
	void lateFramesDoNotResurrectAFinishedStream() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(SETTINGS)) {
			peer.handshake();
			peer.sendFrames(new StreamFrame(2, 0, ByteBuffer.wrap(new byte[] { 1 }), true));
			var stream = peer.session.acceptUnidirectionalStream();
			assertThat(stream.readAllBytes(10)).containsExactly(1);

			peer.sendFrames(new ResetStreamFrame(2, 0, 1), new StreamFrame(2, 1, ByteBuffer.allocate(0), true));

			assertThat(peer.session.isOpen()).isTrue();
			assertThat(peer.session.acceptUnidirectionalStreamAsync()).isNotDone();
		}
	}

	@Test
	void retiredStreamsReturnStreamCredit() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(SETTINGS)) {
			peer.handshake();
			peer.sendFrames(new StreamFrame(2, 0, ByteBuffer.wrap(new byte[] { 1 }), true));

			peer.session.acceptUnidirectionalStream().readAllBytes(10);

			LimitFrame grant = peer.await(LimitFrame.class, (frame) -> frame.type() == Frame.MAX_STREAMS_BIDI + 1);
			assertThat(grant.value()).isEqualTo(3);
		}
	}

	@Test
	void readingReturnsStreamCreditOnceHalfTheWindowIsConsumed() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(SETTINGS)) {
			peer.handshake();
			peer.sendFrames(stream(0, 0, 600, false));
			var stream = peer.session.acceptStream();

			stream.read(new byte[600]);

			StreamLimitFrame grant = peer.await(StreamLimitFrame.class,
					(frame) -> frame.type() == Frame.MAX_STREAM_DATA);
			assertThat(grant.value()).isEqualTo(1600);
		}
	}

	@Test
	void idleSessionIsClosed() throws Exception {
		QmuxSettings settings = SETTINGS.toBuilder().maxIdleTimeout(Duration.ofMillis(200)).build();
		try (ScriptedPeer peer = new ScriptedPeer(settings)) {
			peer.handshake();

			CloseInfo info = peer.session.closed().get(5, java.util.concurrent.TimeUnit.SECONDS);

			assertThat(info.reason()).isEqualTo("idle timeout");
			assertThat(info.graceful()).isFalse();
			org.awaitility.Awaitility.await().until(() -> peer.closeStatus == 1001);
		}
	}

	private static void assertViolation(QmuxErrorCode expected, boolean handshake, Frame... frames)
			throws InterruptedException {
		try (ScriptedPeer peer = new ScriptedPeer(SETTINGS)) {
			if (handshake) {
				peer.handshake();
			}
			peer.sendFrames(frames);

			assertClosedWith(peer, expected);
		}
	}

	private static void assertClosedWith(ScriptedPeer peer, QmuxErrorCode expected) throws InterruptedException {
		CloseFrame close = peer.awaitClose();
		assertThat(close.application()).isFalse();
		assertThat(QmuxErrorCode.of(close.errorCode())).as("error code, reason '%s'", close.reason())
			.isEqualTo(expected);
		org.awaitility.Awaitility.await().until(() -> !peer.session.isOpen() && peer.closeStatus == 1002);
	}

	private static StreamFrame stream(long id, long offset, int length, boolean fin) {
		return new StreamFrame(id, offset, ByteBuffer.allocate(length), fin);
	}

}
