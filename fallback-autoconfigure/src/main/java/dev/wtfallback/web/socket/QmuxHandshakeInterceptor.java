package dev.wtfallback.web.socket;

import java.util.Map;

import dev.wtfallback.core.Transport;
import dev.wtfallback.web.server.HandshakeRefusedException;
import dev.wtfallback.web.server.SessionAdmission;
import org.jspecify.annotations.Nullable;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.util.Assert;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * {@link HandshakeInterceptor} that refuses handshakes while the application shuts down
 * (503) and from origins the {@link dev.wtfallback.web.server.OriginPolicy} does not allow
 * (403), and counts them.
 *
 * <p>Register it before Spring's own origin interceptor, which then only backs it up with the
 * same policy. Thread-safe and stateless.
 */
public class QmuxHandshakeInterceptor implements HandshakeInterceptor {

	private final SessionAdmission admission;

	/**
	 * Create an interceptor.
	 * @param admission the admission whose shutdown and origin checks apply
	 */
	public QmuxHandshakeInterceptor(SessionAdmission admission) {
		Assert.notNull(admission, "'admission' must not be null");
		this.admission = admission;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) {
		try {
			this.admission.checkOpen(request);
			return true;
		}
		catch (HandshakeRefusedException ex) {
			this.admission.refuse(Transport.WEBSOCKET, ex, request, response);
			return false;
		}
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			@Nullable Exception exception) {
	}

}
