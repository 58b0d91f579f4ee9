package dev.wtfallback.web.server;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Decides who a session belongs to, from its handshake request: a bean of this type is asked
 * on every handshake that passed the origin and subprotocol checks, before the session limits.
 *
 * <p>Browsers cannot set headers on a WebSocket handshake, so a token usually travels in a
 * query parameter; {@link #bearerToken(ServerHttpRequest, String)} reads either form. Query
 * strings end up in access logs: prefer short-lived tokens. When Spring Security authenticated
 * the request, {@link ServerHttpRequest#getPrincipal()} holds its user.
 *
 * <p>Called on the container's request thread; implementations must be thread-safe.
 */
@FunctionalInterface
public interface HandshakeAuthenticator {

	/**
	 * Authenticate a handshake.
	 * @param request the handshake request
	 * @return the principal the session belongs to, or {@code null} to refuse the handshake
	 * with {@code 401 Unauthorized}
	 */
	@Nullable Principal authenticate(ServerHttpRequest request);

	/**
	 * Return the token of a request: from an {@code Authorization: Bearer} header, or else from
	 * a query parameter.
	 * @param request the request
	 * @param queryParameter the name of the query parameter, such as {@code access_token}
	 * @return the token, or {@code null} when the request carries none
	 */
	static @Nullable String bearerToken(ServerHttpRequest request, String queryParameter) {
		String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			String token = authorization.substring(7).trim();
			return token.isEmpty() ? null : token;
		}
		List<String> values = UriComponentsBuilder.fromUri(request.getURI())
			.build(true)
			.getQueryParams()
			.get(queryParameter);
		String value = (values != null && !values.isEmpty()) ? values.get(0) : null;
		return (value != null && !value.isEmpty()) ? UriUtils.decode(value, StandardCharsets.UTF_8) : null;
	}

}
