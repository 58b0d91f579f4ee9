package dev.wtfallback.web.ssesession;

import java.time.Duration;
import java.util.List;

import org.springframework.util.Assert;

/**
 * What an {@link SseSessionEndpoint} serves and accepts: its path, the subprotocols it
 * negotiates, how often it proves an idle event stream alive and how large a POST body may be.
 * Origins follow the shared {@link dev.wtfallback.web.server.OriginPolicy}.
 *
 * @param path the path of the event stream; POSTs go to {@code {path}/{sessionId}}
 * @param applicationProtocols the application protocols, best first; may be empty
 * @param requireProtocol whether bare version tokens such as {@code qmux-02} are refused
 * @param heartbeatInterval how long an event stream may go without a write before a comment
 * line is sent; a write that fails ends the session
 * @param maxPostSize the largest POST body accepted, in bytes, at least {@value #MIN_POST_SIZE}
 */
public record SseSessionOptions(String path, List<String> applicationProtocols, boolean requireProtocol,
		Duration heartbeatInterval, long maxPostSize) {

	/** The smallest accepted max POST size: a client may always send bodies of this size. */
	public static final long MIN_POST_SIZE = 64 * 1024;

	public SseSessionOptions {
		Assert.isTrue(path != null && path.startsWith("/") && !path.endsWith("/"),
				() -> "'path' must start with '/' and not end with it, was '" + path + "'");
		Assert.isTrue(heartbeatInterval != null && heartbeatInterval.toMillis() > 0,
				() -> "'heartbeatInterval' must be at least 1 ms, was " + heartbeatInterval);
		Assert.isTrue(maxPostSize >= MIN_POST_SIZE && maxPostSize <= Integer.MAX_VALUE - 8,
				() -> "'maxPostSize' must be between " + MIN_POST_SIZE + " and " + (Integer.MAX_VALUE - 8)
						+ " bytes, was " + maxPostSize);
		applicationProtocols = List.copyOf(applicationProtocols);
	}

}
