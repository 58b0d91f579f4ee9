package dev.wtfallback.web.ssesession;

import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.util.WebUtils;

/**
 * Admits requests without an {@code Origin} header, from the server's own origin, and from the
 * configured origins and origin patterns, as the WebSocket endpoint's handshake does.
 *
 * <p>Also describes those origins as a {@link CorsConfiguration}, so that browsers on them may
 * read the event stream and POST records. Credentials are allowed, as a WebSocket handshake
 * would send them; {@code *} among the origins therefore becomes the pattern {@code *}, which
 * admits every origin by echoing it.
 */
final class OriginCheck {

	private final CorsConfiguration cors;

	OriginCheck(List<String> allowedOrigins, List<String> allowedOriginPatterns) {
		this.cors = corsConfiguration(allowedOrigins, allowedOriginPatterns);
	}

	private static CorsConfiguration corsConfiguration(List<String> origins, List<String> patterns) {
		if (origins.isEmpty() && patterns.isEmpty()) {
			return null;
		}
		List<String> exact = new ArrayList<>(origins);
		List<String> wildcards = new ArrayList<>(patterns);
		if (exact.remove(CorsConfiguration.ALL)) {
			wildcards.add(CorsConfiguration.ALL);
		}
		CorsConfiguration cors = new CorsConfiguration();
		cors.setAllowedOrigins(exact);
		cors.setAllowedOriginPatterns(wildcards);
		cors.setAllowedMethods(List.of("GET", "POST"));
		cors.setAllowedHeaders(List.of(HttpHeaders.CONTENT_TYPE, SseSessionEndpoint.SEQUENCE_HEADER));
		cors.setExposedHeaders(List.of(SseSessionEndpoint.DUPLICATE_HEADER,
				SseSessionEndpoint.EXPECTED_SEQUENCE_HEADER));
		cors.setAllowCredentials(true);
		cors.setMaxAge(3600L);
		return cors;
	}

	/**
	 * Return the CORS rules for the configured origins.
	 * @return the rules, or {@code null} when only the server's own origin is admitted
	 */
	CorsConfiguration corsConfiguration() {
		return this.cors;
	}

	boolean admits(HttpServletRequest request) {
		String origin = request.getHeader(HttpHeaders.ORIGIN);
		if (origin == null || WebUtils.isSameOrigin(new ServletServerHttpRequest(request))) {
			return true;
		}
		return this.cors != null && this.cors.checkOrigin(origin) != null;
	}

}
