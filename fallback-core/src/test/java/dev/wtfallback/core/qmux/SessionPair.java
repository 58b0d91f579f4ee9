package dev.wtfallback.core.qmux;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.wtfallback.core.Transport;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.qmux.Subprotocols.NegotiatedProtocol;

/**
 * A client and a server session joined by {@link LoopbackTransport}s, for engine tests that
 * need no network.
 */
final class SessionPair implements AutoCloseable {

	final QmuxRuntime runtime;

	final QmuxSession client;

	final QmuxSession server;

	final LoopbackTransport toServer = new LoopbackTransport();

	final LoopbackTransport toClient = new LoopbackTransport();

	SessionPair(QmuxSettings clientSettings, QmuxSettings serverSettings) {
		this(clientSettings, serverSettings, dev.wtfallback.core.FallbackListener.NONE);
	}

	SessionPair(QmuxSettings clientSettings, QmuxSettings serverSettings,
			dev.wtfallback.core.FallbackListener listener) {
		this.runtime = QmuxRuntime.create("pair-", listener);
		NegotiatedProtocol protocol = new NegotiatedProtocol(WireVersion.QMUX_02, "test");
		CompletableFuture<WtConnection> accepted = new CompletableFuture<>();
		this.server = QmuxSession.accept(context("server"), protocol, serverSettings, this.toClient, this.runtime,
				accepted::complete);
		this.client = QmuxSession.connect(context("client"), protocol, clientSettings, this.toServer, this.runtime);
		this.toServer.connect(this.server);
		this.toClient.connect(this.client);
	}

	SessionPair(QmuxSettings settings) {
		this(settings, settings);
	}

	SessionPair() {
		this(QmuxSettings.defaults());
	}

	private static SessionContext context(String id) {
		return new SessionContext(id, Transport.WEBSOCKET, null, null, Map.of());
	}

	@Override
	public void close() {
		this.client.close();
		this.server.close();
		this.runtime.close();
	}

}
