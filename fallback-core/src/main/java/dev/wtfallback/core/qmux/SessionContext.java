package dev.wtfallback.core.qmux;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.wtfallback.core.Transport;

/**
 * What the handshake established about a session, before any QMux frame was exchanged.
 *
 * @param id the session id, unique within this process
 * @param transport the transport carrying the session
 * @param remoteAddress the peer's address, or {@code null}
 * @param principal the authenticated principal, or {@code null}
 * @param attributes handshake attributes; copied into a thread-safe map
 */
public record SessionContext(String id, Transport transport, InetSocketAddress remoteAddress, Principal principal,
		Map<String, Object> attributes) {

	public SessionContext {
		ConcurrentHashMap<String, Object> copy = new ConcurrentHashMap<>();
		if (attributes != null) {
			attributes.forEach((key, value) -> {
				if (key != null && value != null) {
					copy.put(key, value);
				}
			});
		}
		attributes = copy;
	}

}
