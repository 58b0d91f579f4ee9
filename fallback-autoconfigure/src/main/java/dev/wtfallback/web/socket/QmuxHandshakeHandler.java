package dev.wtfallback.web.socket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.wtfallback.core.qmux.Subprotocols;
import jakarta.servlet.ServletContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.Lifecycle;
import org.springframework.core.log.LogMessage;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.context.ServletContextAware;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.HandshakeHandler;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * {@link HandshakeHandler} that negotiates the QMux subprotocol by the server's preference and
 * refuses the upgrade when the client offered nothing acceptable.
 *
 * <p>QMux fixes its wire format through the subprotocol, so an upgrade without one would leave
 * both sides guessing. Spring's {@link DefaultHandshakeHandler} accepts such an upgrade with no
 * subprotocol and picks by the client's order; this handler answers a WebSocket upgrade
 * request that offers no acceptable token with {@code 400 Bad Request} and a plain-text body
 * listing what the endpoint accepts, and otherwise hands the request to a
 * {@code DefaultHandshakeHandler} that selects the first token of
 * {@link Subprotocols#supported(java.util.Collection, boolean)} the client offered. Requests
 * that are no valid upgrade at all get the default handler's own answers.
 *
 * <p>Handshake interceptors, among them the origin check, run before this handler, so a
 * foreign origin is refused with 403 whatever it offered. Thread-safe and stateless.
 */
public class QmuxHandshakeHandler implements HandshakeHandler, Lifecycle, ServletContextAware {

	private static final Log logger = LogFactory.getLog(QmuxHandshakeHandler.class);

	private final List<String> applicationProtocols;

	private final boolean requireProtocol;

	private final ServerPreferenceHandshakeHandler delegate = new ServerPreferenceHandshakeHandler();

	/**
	 * Create a handler.
	 * @param applicationProtocols the application protocols, best first; may be empty
	 * @param requireProtocol whether bare version tokens such as {@code qmux-02} are refused
	 */
	public QmuxHandshakeHandler(List<String> applicationProtocols, boolean requireProtocol) {
		this.applicationProtocols = List.copyOf(applicationProtocols);
		this.requireProtocol = requireProtocol;
	}

	/**
	 * Return the subprotocol tokens this handler accepts, best first.
	 * @return the accepted tokens
	 */
	public List<String> getSupportedProtocols() {
		return Subprotocols.supported(this.applicationProtocols, this.requireProtocol);
	}

	@Override
	public boolean doHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) throws HandshakeFailureException {
		if (isUpgradeRequest(request) && select(offered(request)).isEmpty()) {
			refuse(request, response);
			return false;
		}
		return this.delegate.doHandshake(request, response, wsHandler, attributes);
	}

	private static boolean isUpgradeRequest(ServerHttpRequest request) {
		return HttpMethod.GET.equals(request.getMethod())
				&& "websocket".equalsIgnoreCase(request.getHeaders().getUpgrade());
	}

	private static List<String> offered(ServerHttpRequest request) {
		return request.getHeaders().getOrEmpty(WebSocketHttpHeaders.SEC_WEBSOCKET_PROTOCOL);
	}

	private Optional<String> select(List<String> offered) {
		return Subprotocols.select(offered, this.applicationProtocols, this.requireProtocol);
	}

	private void refuse(ServerHttpRequest request, ServerHttpResponse response) {
		List<String> offered = offered(request);
		logger.debug(LogMessage.format("Handshake from %s refused: no acceptable subprotocol in %s",
				request.getRemoteAddress(), offered));
		String body = "No acceptable WebSocket subprotocol offered" + (offered.isEmpty() ? "" : " in " + offered)
				+ ". This endpoint accepts, best first: " + String.join(", ", getSupportedProtocols()) + "\n";
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		response.setStatusCode(HttpStatus.BAD_REQUEST);
		HttpHeaders headers = response.getHeaders();
		headers.setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
		headers.setContentLength(bytes.length);
		try {
			response.getBody().write(bytes);
		}
		catch (IOException ex) {
			WebSocketLogging.DISCONNECTS.debug(LogMessage.format("Handshake from %s: refusal not delivered: %s",
					request.getRemoteAddress(), ex));
		}
	}

	@Override
	public void setServletContext(ServletContext servletContext) {
		this.delegate.setServletContext(servletContext);
	}

	@Override
	public void start() {
		this.delegate.start();
	}

	@Override
	public void stop() {
		this.delegate.stop();
	}

	@Override
	public boolean isRunning() {
		return this.delegate.isRunning();
	}

	/**
	 * Default handshake that picks the subprotocol by the server's preference order.
	 */
	private final class ServerPreferenceHandshakeHandler extends DefaultHandshakeHandler {

		@Override
		protected String selectProtocol(List<String> requestedProtocols, WebSocketHandler webSocketHandler) {
			return select(requestedProtocols).orElse(null);
		}

	}

}
