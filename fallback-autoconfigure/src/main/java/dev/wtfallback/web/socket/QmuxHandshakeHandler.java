package dev.wtfallback.web.socket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.wtfallback.core.Transport;
import dev.wtfallback.core.qmux.Subprotocols;
import dev.wtfallback.web.server.HandshakeRefusal;
import dev.wtfallback.web.server.HandshakeRefusedException;
import dev.wtfallback.web.server.SessionAdmission;
import dev.wtfallback.web.server.SessionAdmission.Admission;
import dev.wtfallback.web.server.SessionLimiter;
import jakarta.servlet.ServletContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.Lifecycle;
import org.springframework.core.log.LogMessage;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
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
 * {@link HandshakeHandler} that negotiates the QMux subprotocol by the server's preference,
 * refuses the upgrade when the client offered nothing acceptable, and admits the session
 * through a {@link SessionAdmission}.
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
 * <p>With a {@link SessionAdmission}, an acceptable upgrade is then authenticated and given a
 * place under the session limits; a refusal is answered with its status (401, 429 or 503)
 * and counted. The principal becomes the WebSocket session's, and the
 * {@link SessionLimiter.Permit permit} goes into the session attributes under
 * {@link #PERMIT_ATTRIBUTE}, for {@link QmuxWebSocketHandler} to release when the session
 * ends; it is released here when the upgrade fails.
 *
 * <p>Handshake interceptors, among them the origin check, run before this handler, so a
 * foreign origin is refused with 403 whatever it offered. Thread-safe and stateless.
 */
public class QmuxHandshakeHandler implements HandshakeHandler, Lifecycle, ServletContextAware {

	private static final Log logger = LogFactory.getLog(QmuxHandshakeHandler.class);

	/** Handshake attribute that holds the session's place under the session limits. */
	public static final String PERMIT_ATTRIBUTE = QmuxHandshakeHandler.class.getName() + ".permit";

	private static final String PRINCIPAL_ATTRIBUTE = QmuxHandshakeHandler.class.getName() + ".principal";

	private final List<String> applicationProtocols;

	private final boolean requireProtocol;

	private final @Nullable SessionAdmission admission;

	private final ServerPreferenceHandshakeHandler delegate = new ServerPreferenceHandshakeHandler();

	/**
	 * Create a handler that admits every acceptable upgrade, without limits or counting.
	 * @param applicationProtocols the application protocols, best first; may be empty
	 * @param requireProtocol whether bare version tokens such as {@code qmux-02} are refused
	 */
	public QmuxHandshakeHandler(List<String> applicationProtocols, boolean requireProtocol) {
		this(applicationProtocols, requireProtocol, null);
	}

	/**
	 * Create a handler.
	 * @param applicationProtocols the application protocols, best first; may be empty
	 * @param requireProtocol whether bare version tokens such as {@code qmux-02} are refused
	 * @param admission the admission that authenticates, limits and counts, or {@code null}
	 * to admit every acceptable upgrade
	 */
	public QmuxHandshakeHandler(List<String> applicationProtocols, boolean requireProtocol,
			@Nullable SessionAdmission admission) {
		this.applicationProtocols = List.copyOf(applicationProtocols);
		this.requireProtocol = requireProtocol;
		this.admission = admission;
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
		if (!isUpgradeRequest(request)) {
			return this.delegate.doHandshake(request, response, wsHandler, attributes);
		}
		try {
			checkSubprotocol(request);
			return (this.admission != null) ? admitted(this.admission.admit(request), request, response, wsHandler,
					attributes) : this.delegate.doHandshake(request, response, wsHandler, attributes);
		}
		catch (HandshakeRefusedException ex) {
			refuse(ex, request, response);
			return false;
		}
	}

	private boolean admitted(Admission admission, ServerHttpRequest request, ServerHttpResponse response,
			WebSocketHandler wsHandler, Map<String, Object> attributes) {
		attributes.put(PERMIT_ATTRIBUTE, admission.permit());
		if (admission.principal() != null) {
			attributes.put(PRINCIPAL_ATTRIBUTE, admission.principal());
		}
		boolean upgraded = false;
		try {
			upgraded = this.delegate.doHandshake(request, response, wsHandler, attributes);
			return upgraded;
		}
		finally {
			attributes.remove(PRINCIPAL_ATTRIBUTE);
			if (!upgraded) {
				admission.permit().release();
			}
		}
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

	private void checkSubprotocol(ServerHttpRequest request) throws HandshakeRefusedException {
		List<String> offered = offered(request);
		if (select(offered).isEmpty()) {
			throw new HandshakeRefusedException(HandshakeRefusal.SUBPROTOCOL,
					"No acceptable WebSocket subprotocol offered" + (offered.isEmpty() ? "" : " in " + offered)
							+ ". This endpoint accepts, best first: " + String.join(", ", getSupportedProtocols()));
		}
	}

	private void refuse(HandshakeRefusedException refused, ServerHttpRequest request, ServerHttpResponse response) {
		if (this.admission != null) {
			this.admission.refuse(Transport.WEBSOCKET, refused, request, response);
			return;
		}
		logger.debug(LogMessage.format("Handshake from %s refused: %s", request.getRemoteAddress(),
				refused.getMessage()));
		byte[] bytes = (refused.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
		response.setStatusCode(refused.getRefusal().status());
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
	 * Default handshake that picks the subprotocol by the server's preference order and takes
	 * the principal the admission found.
	 */
	private final class ServerPreferenceHandshakeHandler extends DefaultHandshakeHandler {

		@Override
		protected String selectProtocol(List<String> requestedProtocols, WebSocketHandler webSocketHandler) {
			return select(requestedProtocols).orElse(null);
		}

		@Override
		protected Principal determineUser(ServerHttpRequest request, WebSocketHandler wsHandler,
				Map<String, Object> attributes) {
			Principal admitted = (Principal) attributes.get(PRINCIPAL_ATTRIBUTE);
			return (admitted != null) ? admitted : super.determineUser(request, wsHandler, attributes);
		}

	}

}
