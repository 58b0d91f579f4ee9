package dev.wtfallback.autoconfigure.server;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The origin policy of every endpoint: WebSocket handshakes, SSE streams and posted
 * messages.
 */
@ConfigurationProperties("fallback.security")
public class FallbackSecurityProperties {

	/**
	 * Origins, or origin patterns such as https://*.example.com and http://localhost:[*],
	 * allowed to open sessions and streams from web pages of another origin. Empty allows the
	 * same origin only; "*" allows any origin and cannot be combined with allow-credentials.
	 */
	private List<String> allowedOrigins = new ArrayList<>();

	/**
	 * Whether cross-origin requests from the allowed origins may carry credentials such as
	 * cookies.
	 */
	private boolean allowCredentials;

	public List<String> getAllowedOrigins() {
		return this.allowedOrigins;
	}

	public void setAllowedOrigins(List<String> allowedOrigins) {
		this.allowedOrigins = allowedOrigins;
	}

	public boolean isAllowCredentials() {
		return this.allowCredentials;
	}

	public void setAllowCredentials(boolean allowCredentials) {
		this.allowCredentials = allowCredentials;
	}

}
