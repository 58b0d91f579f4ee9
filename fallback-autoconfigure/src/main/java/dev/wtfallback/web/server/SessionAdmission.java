package dev.wtfallback.web.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Principal;

import dev.wtfallback.core.FallbackListener;
import dev.wtfallback.core.FallbackListener.RefusalReason;
import dev.wtfallback.core.Transport;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.web.server.SessionLimiter.Permit;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogMessage;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.util.Assert;

/**
 * Admits or refuses session handshakes, the same way for every transport, and counts the
 * refusals.
 *
 * <p>A transport calls {@link #checkOpen} first, then checks what is its own (such as the
 * WebSocket subprotocol), then {@link #admit} right before it creates the session, and answers
 * any {@link HandshakeRefusedException} with {@link #refuse}. The checks, in order:
 * <ol>
 * <li>shutdown: refused with 503 once the {@link FallbackSessionRegistry} stopped accepting;</li>
 * <li>origin: refused with 403 unless the {@link OriginPolicy} allows it;</li>
 * <li>authentication: refused with 401 when a {@link HandshakeAuthenticator} returns no
 * principal;</li>
 * <li>limits: refused with 503 when the server's limit is reached, with 429 when the client
 * address's is.</li>
 * </ol>
 * A refusal sent by a servlet filter in front of the endpoint, such as Spring Security's,
 * never reaches this class and is not counted here.
 *
 * <p>Thread-safe; called on the container's request threads.
 */
public final class SessionAdmission {

	private static final Log logger = LogFactory.getLog(SessionAdmission.class);

	private final FallbackSessionRegistry registry;

	private final SessionLimiter limiter;

	private final OriginPolicy originPolicy;

	private final @Nullable HandshakeAuthenticator authenticator;

	private final FallbackListener listener;

	/**
	 * Create an admission.
	 * @param registry the open sessions, which also tells whether new ones are accepted
	 * @param limiter the limits on open sessions
	 * @param originPolicy the allowed origins
	 * @param authenticator the authenticator, or {@code null} to take the principal the
	 * container knows, if any
	 * @param listener the listener that refusals are reported to
	 */
	public SessionAdmission(FallbackSessionRegistry registry, SessionLimiter limiter, OriginPolicy originPolicy,
			@Nullable HandshakeAuthenticator authenticator, FallbackListener listener) {
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(limiter, "'limiter' must not be null");
		Assert.notNull(originPolicy, "'originPolicy' must not be null");
		Assert.notNull(listener, "'listener' must not be null");
		this.registry = registry;
		this.limiter = limiter;
		this.originPolicy = originPolicy;
		this.authenticator = authenticator;
		this.listener = listener;
	}

	/**
	 * Refuse a handshake while shutting down or from a foreign origin.
	 * @param request the handshake request
	 * @throws HandshakeRefusedException if the handshake must be refused
	 */
	public void checkOpen(ServerHttpRequest request) throws HandshakeRefusedException {
		if (!this.registry.isAccepting()) {
			throw new HandshakeRefusedException(HandshakeRefusal.SHUTDOWN,
					"The server is shutting down; connect again to another instance");
		}
		if (!this.originPolicy.allows(request)) {
			throw new HandshakeRefusedException(HandshakeRefusal.ORIGIN,
					"Origin " + request.getHeaders().getFirst(HttpHeaders.ORIGIN) + " is not allowed");
		}
	}

	/**
	 * Authenticate a handshake and take a place for its session.
	 * @param request the handshake request
	 * @return the principal and the permit of the session
	 * @throws HandshakeRefusedException if the handshake must be refused
	 */
	public Admission admit(ServerHttpRequest request) throws HandshakeRefusedException {
		Principal principal = authenticate(request);
		try {
			return new Admission(principal, this.limiter.acquire(address(request)));
		}
		catch (SessionLimitExceededException ex) {
			throw new HandshakeRefusedException(
					ex.isPerAddress() ? HandshakeRefusal.ADDRESS_LIMIT : HandshakeRefusal.SESSION_LIMIT,
					ex.getMessage());
		}
	}

	private @Nullable Principal authenticate(ServerHttpRequest request) throws HandshakeRefusedException {
		if (this.authenticator == null) {
			return request.getPrincipal();
		}
		Principal principal = this.authenticator.authenticate(request);
		if (principal == null) {
			throw new HandshakeRefusedException(HandshakeRefusal.AUTHENTICATION, "Authentication required");
		}
		return principal;
	}

	private static @Nullable InetAddress address(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		return (remote != null) ? remote.getAddress() : null;
	}

	/**
	 * Answer a refused handshake with its status and a plain-text body, and report it.
	 * @param transport the transport that was asked for
	 * @param refused the refusal
	 * @param request the handshake request
	 * @param response the response to write
	 */
	public void refuse(Transport transport, HandshakeRefusedException refused, ServerHttpRequest request,
			ServerHttpResponse response) {
		HandshakeRefusal refusal = refused.getRefusal();
		this.listener.handshakeRefused(transport, refusal.reason());
		logger.debug(LogMessage.format("%s handshake from %s refused with %d: %s", transport,
				request.getRemoteAddress(), refusal.status().value(), refused.getMessage()));
		byte[] body = (refused.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
		response.setStatusCode(refusal.status());
		response.getHeaders().setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
		response.getHeaders().setContentLength(body.length);
		if (refusal.reason() == RefusalReason.LIMIT) {
			response.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
		}
		try {
			response.getBody().write(body);
		}
		catch (IOException ex) {
			LogFactory.getLog(WtConnection.DISCONNECT_LOG_CATEGORY)
				.debug(LogMessage.format("%s handshake from %s: refusal not delivered: %s", transport,
						request.getRemoteAddress(), ex));
		}
	}

	/**
	 * Return the registry of open sessions.
	 * @return the registry
	 */
	public FallbackSessionRegistry getRegistry() {
		return this.registry;
	}

	/**
	 * Return the limits on open sessions.
	 * @return the limiter
	 */
	public SessionLimiter getLimiter() {
		return this.limiter;
	}

	/**
	 * Return the origin policy.
	 * @return the policy
	 */
	public OriginPolicy getOriginPolicy() {
		return this.originPolicy;
	}

	/**
	 * What an admitted handshake carries into its session.
	 *
	 * @param principal the principal the session belongs to, or {@code null} for an anonymous
	 * client
	 * @param permit the session's place, to be released when the session ends
	 */
	public record Admission(@Nullable Principal principal, Permit permit) {
	}

}
