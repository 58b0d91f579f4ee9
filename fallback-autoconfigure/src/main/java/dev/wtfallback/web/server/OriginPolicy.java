package dev.wtfallback.web.server;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.util.WebUtils;

/**
 * Which web origins may open sessions and streams, one policy for every endpoint.
 *
 * <p>With no allowed origins only same-origin requests are accepted (same scheme, host and
 * port as the request itself, judged on the Host header the application sees) together with
 * requests without an {@code Origin} header, which browsers always send on WebSocket
 * handshakes and cross-origin requests. Allowed origins are matched as Spring's CORS origin
 * patterns: {@code https://app.example.com}, {@code https://*.example.com},
 * {@code http://localhost:[*]}, or {@code *} for any origin.
 *
 * <p>Browsers send cookies with every WebSocket handshake whatever this policy says, so an
 * endpoint that authenticates by cookie must not allow {@code *}; with
 * {@code allowCredentials} the application refuses to start with it. Immutable and
 * thread-safe.
 */
public final class OriginPolicy {

	private final List<String> allowedOrigins;

	private final boolean allowCredentials;

	private final @Nullable CorsConfiguration cors;

	/**
	 * Create a policy.
	 * @param allowedOrigins the allowed origins or origin patterns; empty for same origin only
	 * @param allowCredentials whether cross-origin requests may carry credentials such as
	 * cookies
	 */
	public OriginPolicy(List<String> allowedOrigins, boolean allowCredentials) {
		this.allowedOrigins = List.copyOf(allowedOrigins);
		this.allowCredentials = allowCredentials;
		this.cors = this.allowedOrigins.isEmpty() ? null : corsConfiguration(this.allowedOrigins, allowCredentials);
	}

	/**
	 * Return a policy that accepts same-origin requests only.
	 * @return the policy
	 */
	public static OriginPolicy sameOrigin() {
		return new OriginPolicy(List.of(), false);
	}

	/**
	 * Return whether the policy accepts a request.
	 * @param request the request
	 * @return {@code true} when it has no {@code Origin} header, comes from the same origin or
	 * from an allowed one
	 */
	public boolean allows(ServerHttpRequest request) {
		String origin = request.getHeaders().getFirst(HttpHeaders.ORIGIN);
		if (origin == null || WebUtils.isSameOrigin(request)) {
			return true;
		}
		return this.cors != null && this.cors.checkOrigin(origin) != null;
	}

	/**
	 * Return the allowed origins and origin patterns.
	 * @return the allowed origins; empty when only the same origin is allowed
	 */
	public List<String> getAllowedOrigins() {
		return this.allowedOrigins;
	}

	/**
	 * Return whether only same-origin requests are accepted.
	 * @return {@code true} when no origin is allowed explicitly
	 */
	public boolean isSameOriginOnly() {
		return this.allowedOrigins.isEmpty();
	}

	/**
	 * Return whether cross-origin requests may carry credentials.
	 * @return whether credentials are allowed
	 */
	public boolean isAllowCredentials() {
		return this.allowCredentials;
	}

	/**
	 * Return the CORS configuration of this policy for plain HTTP endpoints, allowing
	 * {@code GET} and {@code POST} with the given headers.
	 * @param allowedHeaders the request headers to allow
	 * @return the configuration, or {@code null} when only the same origin is allowed
	 */
	public @Nullable CorsConfiguration corsConfiguration(List<String> allowedHeaders) {
		if (this.cors == null) {
			return null;
		}
		CorsConfiguration configuration = new CorsConfiguration(this.cors);
		configuration.setAllowedHeaders(allowedHeaders);
		return configuration;
	}

	private static CorsConfiguration corsConfiguration(List<String> origins, boolean allowCredentials) {
		CorsConfiguration configuration = new CorsConfiguration();
		configuration.setAllowedOriginPatterns(origins);
		configuration.setAllowedMethods(List.of("GET", "POST"));
		configuration.setAllowCredentials(allowCredentials);
		return configuration;
	}

}
